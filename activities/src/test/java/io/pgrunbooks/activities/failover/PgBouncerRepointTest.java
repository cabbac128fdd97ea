package io.pgrunbooks.activities.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgBouncerRepointTest {
  private static final String INI = """
      ; Written by hand
      [databases]
      * = host=127.0.0.1 port=15432
      app = host=10.0.0.1 port=5432 dbname=app pool_size=20
      ; old = host=10.0.0.9 port=5432

      [pgbouncer]
      listen_port = 6432
      """;

  @Test
  void everyDatabaseEntryGetsTheNewHostAndPortAndKeepsItsOtherSettings() {
    String out = PgBouncerActivitiesImpl.repoint(INI, "10.0.0.2", 5433);

    assertThat(out).contains("* = host=10.0.0.2 port=5433\n");
    assertThat(out).contains("app = host=10.0.0.2 port=5433 dbname=app pool_size=20\n");
    assertThat(out).contains("; old = host=10.0.0.9 port=5432");
    assertThat(out).contains("listen_port = 6432");
  }

  @Test
  void repointingTwiceChangesNothingTheSecondTime() {
    String once = PgBouncerActivitiesImpl.repoint(INI, "10.0.0.2", 5433);

    assertThat(PgBouncerActivitiesImpl.repoint(once, "10.0.0.2", 5433)).isEqualTo(once);
  }
}
