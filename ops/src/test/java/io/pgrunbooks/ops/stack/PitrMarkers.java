package io.pgrunbooks.ops.stack;

import java.time.Instant;

/** Marker rows around a whole-second restore target, and WAL archived up to now: the proof of a point-in-time restore. */
public final class PitrMarkers {
  private PitrMarkers() {}

  /**
   * Creates table {@code marker} in {@code database}, commits {@code before}, waits past the next whole second (the
   * target, returned) and commits {@code after}: a restore to the target has the first row and not the second.
   */
  public static Instant aroundATarget(PostgresNode primary, String database) throws InterruptedException {
    primary.psql(database, "CREATE TABLE IF NOT EXISTS marker(name text PRIMARY KEY, at timestamptz NOT NULL DEFAULT "
        + "clock_timestamp())");
    primary.psql(database, "INSERT INTO marker(name) VALUES ('before')");
    Instant target = Instant.parse(primary.psql(database, "SELECT to_char(date_trunc('second', "
        + "clock_timestamp()) + interval '1 second', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM (SELECT "
        + "set_config('TimeZone', 'UTC', false)) s").strip());
    while (!"t".equals(primary.psql(database, "SELECT clock_timestamp() > '" + target + "'::timestamptz").strip())) {
      Thread.sleep(50);
    }
    primary.psql(database, "INSERT INTO marker(name) VALUES ('after')");
    return target;
  }

  /** Switches WAL and waits until the segment holding everything so far is in the repository. */
  public static void archiveCurrentSegment(PostgresNode primary) throws InterruptedException {
    String segment = primary.psql("postgres", "SELECT pg_walfile_name(pg_switch_wal())").strip();
    Instant deadline = Instant.now().plusSeconds(120);
    while (true) {
      String archived = primary.psql("postgres", "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver").strip();
      if (archived.compareTo(segment) >= 0) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("segment " + segment + " not archived within 2 minutes (last: " + archived + ")");
      }
      Thread.sleep(200);
    }
  }
}
