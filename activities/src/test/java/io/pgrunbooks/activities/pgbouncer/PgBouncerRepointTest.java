package io.pgrunbooks.activities.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgBouncerRepointTest {
  private static final String INI = """
      ; Written by hand
      [databases]
      * = host=10.0.0.1 port=5432
      app = host=10.0.0.1 port=5432 dbname=app pool_size=20
      app_ro = host=10.0.0.3 port=5432 dbname=app
      other_cluster = host=10.9.9.9 port=5432 dbname=billing
      defaultport = host=10.0.0.1 dbname=app
      ; old = host=10.0.0.9 port=5432

      [pgbouncer]
      listen_port = 6432
      """;

  @Test
  void entriesOfTheOldPrimaryGetTheNewHostAndPortAndKeepTheirOtherSettings() {
    String out = PgBouncerActivitiesImpl.repoint(INI, "10.0.0.1", 5432, "10.0.0.2", 5433);

    assertThat(out).contains("* = host=10.0.0.2 port=5433\n");
    assertThat(out).contains("app = host=10.0.0.2 port=5433 dbname=app pool_size=20\n");
    assertThat(out).contains("defaultport = host=10.0.0.2 port=5433 dbname=app\n");
    assertThat(out).contains("; old = host=10.0.0.9 port=5432");
    assertThat(out).as("a read-only pool on a replica and another cluster's entry stay")
        .contains("app_ro = host=10.0.0.3 port=5432 dbname=app\n")
        .contains("other_cluster = host=10.9.9.9 port=5432 dbname=billing\n");
    assertThat(out).contains("listen_port = 6432");
  }

  @Test
  void repointingTwiceChangesNothingTheSecondTime() {
    String once = PgBouncerActivitiesImpl.repoint(INI, "10.0.0.1", 5432, "10.0.0.2", 5433);

    assertThat(PgBouncerActivitiesImpl.repoint(once, "10.0.0.1", 5432, "10.0.0.2", 5433)).isEqualTo(once);
  }

  @Test
  void aTaskFromBeforeTheFromFieldsMovesEveryEntryAsItDidThen() {
    String out = PgBouncerActivitiesImpl.repoint(INI, null, 0, "10.0.0.2", 5433);

    assertThat(out).contains("app_ro = host=10.0.0.2 port=5433 dbname=app\n")
        .contains("other_cluster = host=10.0.0.2 port=5433 dbname=billing\n");
  }
}
