package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.ReindexTarget;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackFacts;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Repack's catalog reads and the cleanup of what pg_repack leaves; every name comes from pg_class. */
final class RepackSql {
  /** pg_repack's key rule (its {@code repack.tables} view): the primary key, else a unique index on NOT NULL columns. */
  private static final String KEY = "SELECT ic.relname, i.indisprimary FROM pg_index i JOIN pg_class ic"
      + " ON ic.oid = i.indexrelid WHERE i.indrelid = ? AND i.indisunique AND i.indisvalid AND i.indpred IS NULL"
      + " AND i.indexprs IS NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid"
      + " AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull) ORDER BY i.indisprimary DESC, ic.relname LIMIT 1";
  /**
   * A fresh copy's size from the planner statistics: live rows x (average width + tuple header and line pointer),
   * packed at the fillfactor into 8 kB pages. TOAST is counted as it is now (pg_repack copies it too).
   */
  private static final String FRESH = "SELECT CASE WHEN w.width IS NULL THEN -1 ELSE"
      + " ceil(greatest(l.live, 1) / greatest(1, floor((current_setting('block_size')::int - 24)"
      + " * coalesce((SELECT option_value::int FROM pg_options_to_table(c.reloptions) WHERE option_name ="
      + " 'fillfactor'), 100) / 100.0 / (w.width + 28))))::bigint * current_setting('block_size')::int"
      + " + coalesce(pg_table_size(nullif(c.reltoastrelid, 0)), 0) END,"
      + " pg_table_size(c.oid), l.live, s.n_dead_tup"
      // reltuples is what the last ANALYZE or VACUUM counted; the cumulative counters can lag behind it.
      + " FROM pg_class c JOIN pg_stat_all_tables s ON s.relid = c.oid CROSS JOIN LATERAL (SELECT CASE WHEN"
      + " c.reltuples >= 0 THEN c.reltuples::bigint ELSE s.n_live_tup END AS live) l"
      + " LEFT JOIN LATERAL (SELECT sum(st.avg_width) AS width FROM pg_stats st JOIN pg_namespace n ON n.nspname = st.schemaname WHERE n.oid = c.relnamespace"
      + " AND st.tablename = c.relname) w ON true WHERE c.oid = ?";

  private RepackSql() {}

  /** The table's oid and {@code schema.name}; an unknown or non-plain table is BadInput. */
  static Object[] resolve(Connection c, RepackTarget t) throws SQLException {
    String[] parts = Identifiers.split(t.table(), "table");
    try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n"
        + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, parts[0]);
      ps.setString(2, parts[1]);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw Lookups.badInput("table " + t.table() + " does not exist in database " + t.database());
        }
        if (!"r".equals(rs.getString(2))) {
          throw Lookups.badInput(t.table() + " is not a plain table (relkind " + rs.getString(2) + "); pg_repack"
              + " repacks ordinary tables, and a partitioned table partition by partition");
        }
        return new Object[] {rs.getLong(1), parts[0] + "." + parts[1]};
      }
    }
  }

  static RepackFacts facts(Connection c, String node, RepackTarget t, String extensionProblem) throws SQLException {
    Object[] r = resolve(c, t);
    long oid = (Long) r[0];
    String table = (String) r[1];
    List<String> notes = new ArrayList<>();
    String key = null;
    String keyProblem = null;
    try (PreparedStatement ps = c.prepareStatement(KEY)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          key = rs.getString(1) + (rs.getBoolean(2) ? " (primary key)" : " (unique, NOT NULL columns)");
        } else {
          keyProblem = "it has neither a primary key nor a unique index on NOT NULL columns";
        }
      }
    }
    long fresh;
    long bytes;
    long live;
    long dead;
    try (PreparedStatement ps = c.prepareStatement(FRESH)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        fresh = rs.getLong(1);
        bytes = rs.getLong(2);
        live = rs.getLong(3);
        dead = rs.getLong(4);
      }
    }
    if (fresh < 0) {
      notes.add(table + " has no planner statistics (ANALYZE it): no estimate of a fresh copy");
    }
    // The Reindex estimate (HypoPG) sizes the fresh indexes; its notes say when it cannot.
    var indexFacts = ReindexSql.facts(c, node, new ReindexTarget(t.cluster(), t.database(), null, table));
    notes.addAll(indexFacts.notes());
    List<IndexSize> indexes = indexFacts.indexes();
    return new RepackFacts(node, table, bytes, fresh, live, dead, indexes, key, keyProblem, extensionProblem,
        leftovers(c, oid, table), notes);
  }

  /** {@code repack.*} objects and the trigger a pg_repack of this table creates while it runs. */
  static List<String> leftovers(Connection c, long oid, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT 'trigger ' || tgname || ' on " + table.replace("'", "''")
        + "' FROM pg_trigger WHERE tgrelid = ? AND tgname IN ('repack_trigger', 'z_repack_trigger')"
        + " UNION ALL SELECT 'table repack.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
        + " c.relnamespace WHERE n.nspname = 'repack' AND c.relname IN ('log_' || ?, 'table_' || ?)"
        + " UNION ALL SELECT 'type repack.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        + " WHERE n.nspname = 'repack' AND t.typname = 'pk_' || ? ORDER BY 1")) {
      ps.setLong(1, oid);
      ps.setString(2, Long.toString(oid));
      ps.setString(3, Long.toString(oid));
      ps.setString(4, Long.toString(oid));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /**
   * Terminates pg_repack backends still holding a lock on the table or its repack objects, then drops the
   * leftovers (IF EXISTS: a retry finds nothing). Returns what was there before.
   */
  static List<String> cleanup(Connection c, RepackTarget t) throws SQLException {
    Object[] r = resolve(c, t);
    long oid = (Long) r[0];
    String table = (String) r[1];
    List<String> found = leftovers(c, oid, table);
    int terminated = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(a.pid) FROM"
        + " pg_stat_activity a WHERE a.application_name = 'pg_repack' AND a.datname = current_database()"
        + " AND a.pid <> pg_backend_pid() AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation"
        + " IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?"
        + " OR (n.nspname = 'repack' AND c.relname IN ('log_' || ?, 'table_' || ?))))")) {
      ps.setLong(1, oid);
      ps.setString(2, Long.toString(oid));
      ps.setString(3, Long.toString(oid));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          terminated++;
        }
      }
    }
    if (terminated > 0) {
      // the terminated backends release their locks as they exit; the DROPs below wait at most lock_timeout
      io.pgrunbooks.activities.ActivitySupport.pause(1000, PostgresActivitiesImpl.SQL_ERROR);
    }
    if (found.isEmpty()) {
      return found;
    }
    String[] parts = table.split("\\.", 2);
    try (Statement st = c.createStatement()) {
      st.execute("SET lock_timeout = '10s'");
      for (String trigger : List.of("repack_trigger", "z_repack_trigger")) {
        st.execute("DROP TRIGGER IF EXISTS " + trigger + " ON " + Identifiers.quote(parts[0], parts[1]));
      }
      // Names built from the table's oid (a number), as pg_repack names them.
      st.execute("DROP TABLE IF EXISTS repack.log_" + oid + " CASCADE");
      st.execute("DROP TABLE IF EXISTS repack.table_" + oid + " CASCADE");
      st.execute("DROP TYPE IF EXISTS repack.pk_" + oid + " CASCADE");
    }
    return found;
  }

  /** Bytes of the copy pg_repack is writing ({@code repack.table_<oid>}), -1 before it exists. */
  static long copyBytes(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_table_size(c.oid) FROM pg_class c JOIN pg_namespace n"
        + " ON n.oid = c.relnamespace WHERE n.nspname = 'repack' AND c.relname = 'table_' || ?")) {
      ps.setString(1, Long.toString(oid));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  /** Table bytes and the sum of its index bytes. */
  static long[] sizes(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_table_size(?::oid), pg_indexes_size(?::oid)")) {
      ps.setLong(1, oid);
      ps.setLong(2, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  /** Why the server side cannot serve this client: extension missing or at another version; null when fine. */
  static String extensionProblem(Connection c, String database, String clientVersion) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT extversion FROM pg_extension"
        + " WHERE extname = 'pg_repack'")) {
      if (!rs.next()) {
        return "the pg_repack extension is not installed in database " + database + ": run CREATE EXTENSION"
            + " pg_repack there (the server needs apt-get install -y postgresql-15-repack)";
      }
      String server = rs.getString(1);
      return clientVersion == null || clientVersion.contains(server) ? null : "pg_repack client '" + clientVersion
          + "' differs from the extension " + server + " in " + database + " (pg_repack refuses that): ALTER"
          + " EXTENSION pg_repack UPDATE, or install the matching client";
    }
  }
}
