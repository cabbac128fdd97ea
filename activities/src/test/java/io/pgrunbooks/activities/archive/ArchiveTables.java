package io.pgrunbooks.activities.archive;

/** DDL of the test tables in schema {@code arch}; each test uses its own month so tests stay independent. */
final class ArchiveTables {
  private ArchiveTables() {}

  static void create(ArchiveFixture f) {
    f.sql("CREATE SCHEMA IF NOT EXISTS arch",
        "CREATE TABLE IF NOT EXISTS arch.events (id bigint NOT NULL, ts timestamptz NOT NULL, payload text) PARTITION BY RANGE (ts)",
        "CREATE TABLE IF NOT EXISTS arch.events_d (id bigint NOT NULL, ts timestamptz NOT NULL, payload text) PARTITION BY RANGE (ts)",
        "CREATE TABLE IF NOT EXISTS arch.events_d_default PARTITION OF arch.events_d DEFAULT",
        "CREATE TABLE IF NOT EXISTS arch.floor (id bigint, ts date NOT NULL) PARTITION BY RANGE (ts)",
        "CREATE TABLE IF NOT EXISTS arch.kept (id bigint, ts timestamptz NOT NULL) PARTITION BY RANGE (ts)",
        "CREATE TABLE IF NOT EXISTS arch.unconfigured (id bigint, ts timestamptz NOT NULL) PARTITION BY RANGE (ts)",
        "CREATE TABLE IF NOT EXISTS arch.unconfigured_2020_01 PARTITION OF arch.unconfigured"
            + " FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')",
        "CREATE TABLE IF NOT EXISTS arch.plain (id bigint)",
        """
        CREATE TABLE IF NOT EXISTS arch.typed (id bigint NOT NULL, ts timestamptz NOT NULL, amount numeric(20,6),
          note text, flag boolean, doc jsonb, blob bytea, tags text[], nums int[], day date, at timestamp)
          PARTITION BY RANGE (ts)""");
  }

  /** A partition of {@code arch.<parent>} for one month of 2020 ({@code month} 1-12) or another range, with rows. */
  static String month(ArchiveFixture f, String parent, int year, int month, int rows) {
    String name = parent + "_" + year + "_" + String.format("%02d", month);
    String from = "%d-%02d-01".formatted(year, month);
    String to = month == 12 ? (year + 1) + "-01-01" : "%d-%02d-01".formatted(year, month + 1);
    f.sql("DROP TABLE IF EXISTS arch." + name,
        "CREATE TABLE arch." + name + " PARTITION OF arch." + parent + " FOR VALUES FROM ('" + from + "') TO ('" + to + "')");
    if (rows > 0 && !parent.equals("floor")) {
      f.sql("INSERT INTO arch." + parent + (parent.equals("kept") ? " (id, ts)" : " (id, ts, payload)")
          + " SELECT g, timestamptz '" + from + "' + (g % 27) * interval '1 day'"
          + (parent.equals("kept") ? "" : ", 'row ' || g || ', \"quoted\"'") + " FROM generate_series(1, " + rows + ") g");
    }
    return "arch." + name;
  }
}
