package io.pgrunbooks.activities.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PoolEntriesTest {
  private static final String INI = """
      ; Written by hand
      [databases]
      app = host=10.0.0.1 port=5432 dbname=app pool_size=20
      app_ro = host=10.0.0.3 dbname=app
      ;app = host=10.0.0.9 pool_size=1

      [pgbouncer]
      default_pool_size = 15
      reserve_pool_size = 3
      pool_size = 99
      """;

  @Test
  void onlyTheNamedEntryChangesAndACommentedOutTwinStays() {
    String out = PoolEntries.withPoolSize(INI, "app", 30, 5);

    assertThat(out).isEqualTo(INI.replace("dbname=app pool_size=20\n", "dbname=app pool_size=30 reserve_pool=5\n"));
  }

  @Test
  void anEntryWithoutPoolSizeGetsOneAppendedAndDefaultsComeFromThePgbouncerSection() {
    assertThat(PoolEntries.entries(INI).get("app_ro")).isEqualTo(new PoolEntries.Entry("app_ro", "10.0.0.3", 5432, 15,
        3, false));
    assertThat(PoolEntries.withPoolSize(INI, "app_ro", 8, null))
        .contains("app_ro = host=10.0.0.3 dbname=app pool_size=8\n");
  }

  @Test
  void aKeyOfThePgbouncerSectionIsNoEntry() {
    assertThatThrownBy(() -> PoolEntries.withPoolSize(INI, "pool_size", 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PoolEntries.entries(INI)).containsOnlyKeys("app", "app_ro");
  }
}
