package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.workflows.activities.HealthDetailActivities.Archiver;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Blocker;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DatabaseXid;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.IndexBloat;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.InvalidIndex;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Sessions;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Slot;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.TableXid;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only morning-page queries (issues 16 and 18). Node-wide ones run on the {@code postgres} database; the
 * per-database ones ({@link #oldestTables}, {@link #invalidIndexes}, {@link #bloat}) on each database of the primary.
 * Lists are capped so a busy server cannot blow up the workflow history.
 */
final class DetailFactsReader {
  static final int MAX_ROWS = 50;
  static final int LOCK_TIMEOUT_MS = 2000;
  private static final int QUERY_CHARS = 200;
  private static final String IDLE = "('idle in transaction', 'idle in transaction (aborted)')";

  private static final String IDLE_IN_TRANSACTION = """
      SELECT pid, floor(extract(epoch FROM clock_timestamp() - state_change))::bigint, count(*) OVER ()::int
        FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND state IN %s AND pid <> pg_backend_pid()
       ORDER BY state_change LIMIT 1
      """.formatted(IDLE);

  private static final String OLDEST_TRANSACTION = """
      SELECT pid, floor(extract(epoch FROM clock_timestamp() - xact_start))::bigint
        FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
       ORDER BY xact_start LIMIT 1
      """;

  // Who blocks how many for how long; a blocker that waits itself is inside a chain, the others head one.
  private static final String BLOCKERS = """
      WITH w AS (
        SELECT unnest(pg_blocking_pids(pid)) AS blocker,
               floor(extract(epoch FROM clock_timestamp() - coalesce(query_start, clock_timestamp())))::bigint AS waited
          FROM pg_stat_activity WHERE wait_event_type = 'Lock')
      SELECT b.pid, b.usename, b.datname, b.state, count(*)::int, max(w.waited),
             cardinality(pg_blocking_pids(b.pid)) > 0, left(b.query, %d)
        FROM w JOIN pg_stat_activity b ON b.pid = w.blocker
       GROUP BY b.pid, b.usename, b.datname, b.state, b.query
       ORDER BY max(w.waited) DESC, b.pid LIMIT %d
      """.formatted(QUERY_CHARS, MAX_ROWS);

  private static final String DATABASE_XID = "SELECT datname, age(datfrozenxid)::bigint FROM pg_database ORDER BY 2 DESC, 1";

  private static final String SLOTS = """
      SELECT slot_name, slot_type, active, wal_status,
             pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,
                             restart_lsn)::bigint
        FROM pg_replication_slots ORDER BY slot_name LIMIT %d
      """.formatted(MAX_ROWS);

  private static final String ARCHIVER = """
      SELECT current_setting('archive_mode'), archived_count, last_archived_wal,
             floor(extract(epoch FROM clock_timestamp() - last_archived_time))::bigint,
             failed_count, last_failed_wal, floor(extract(epoch FROM clock_timestamp() - last_failed_time))::bigint
        FROM pg_stat_archiver
      """;

  private static final String OLDEST_TABLES = """
      SELECT n.nspname || '.' || c.relname, age(c.relfrozenxid)::bigint
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'm', 't') ORDER BY 2 DESC, 1 LIMIT ?
      """;

  private static final String INVALID_INDEXES = """
      SELECT n.nspname || '.' || c.relname
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE NOT i.indisvalid ORDER BY 1 LIMIT %d
      """.formatted(MAX_ROWS);

  // Sizes from pg_class.relpages (as of the last VACUUM/ANALYZE): pg_relation_size() would take an AccessShareLock
  // and a health check must never queue behind an ACCESS EXCLUSIVE lock.
  private static final String LARGEST_INDEXES = """
      SELECT n.nspname || '.' || c.relname, c.relpages::bigint * current_setting('block_size')::bigint,
             pg_get_indexdef(c.oid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
       ORDER BY 2 DESC, 1 LIMIT ?
      """;

  private DetailFactsReader() {}

  static Sessions sessions(Connection c) throws SQLException {
    int idle = 0;
    Integer idlePid = null;
    long idleSeconds = 0;
    try (PreparedStatement ps = c.prepareStatement(IDLE_IN_TRANSACTION); ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        idlePid = rs.getInt(1);
        idleSeconds = rs.getLong(2);
        idle = rs.getInt(3);
      }
    }
    Integer xactPid = null;
    long xactSeconds = 0;
    try (PreparedStatement ps = c.prepareStatement(OLDEST_TRANSACTION); ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        xactPid = rs.getInt(1);
        xactSeconds = rs.getLong(2);
      }
    }
    List<Blocker> blockers = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(BLOCKERS); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        blockers.add(new Blocker(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
            rs.getLong(6), rs.getBoolean(7), rs.getString(8)));
      }
    }
    return new Sessions(idle, idlePid, idleSeconds, xactPid, xactSeconds, List.copyOf(blockers));
  }

  static List<DatabaseXid> databaseXids(Connection c) throws SQLException {
    List<DatabaseXid> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(DATABASE_XID); ResultSet rs = ps.executeQuery()) {
      while (rs.next() && out.size() < MAX_ROWS) {
        out.add(new DatabaseXid(rs.getString(1), rs.getLong(2)));
      }
    }
    return out;
  }

  static List<Slot> slots(Connection c) throws SQLException {
    List<Slot> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SLOTS); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long retained = rs.getLong(5);
        out.add(new Slot(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
            rs.wasNull() ? null : retained));
      }
    }
    return out;
  }

  /** Size of pg_wal; {@code pg_ls_waldir()} needs superuser or pg_monitor, so null when refused. */
  static Long walBytes(Connection c) {
    try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(size), 0)::bigint FROM pg_ls_waldir()");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException refused) {
      return null;
    }
  }

  static Archiver archiver(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ARCHIVER); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new Archiver(rs.getString(1), rs.getLong(2), rs.getString(3), nullableLong(rs, 4), rs.getLong(5),
          rs.getString(6), nullableLong(rs, 7));
    }
  }

  static List<TableXid> oldestTables(Connection c, String database, int limit) throws SQLException {
    List<TableXid> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(OLDEST_TABLES)) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TableXid(database, rs.getString(1), rs.getLong(2)));
        }
      }
    }
    return out;
  }

  static List<InvalidIndex> invalidIndexes(Connection c, String database) throws SQLException {
    List<InvalidIndex> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(INVALID_INDEXES); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new InvalidIndex(database, rs.getString(1)));
      }
    }
    return out;
  }

  /** The {@code topN} largest valid indexes with HypoPG's fresh size, as Reindex estimates it; empty without hypopg. */
  static List<IndexBloat> bloat(Connection c, String database, int topN) throws SQLException {
    if (topN <= 0 || !IndexCatalog.installed(c, "hypopg")) {
      return List.of();
    }
    List<IndexBloat> out = new ArrayList<>();
    c.setAutoCommit(false);
    c.setReadOnly(true);
    try (PreparedStatement ps = c.prepareStatement(LARGEST_INDEXES)) {
      // HypoPG opens the table: behind an exclusive lock the estimate gives up (-1) instead of waiting.
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT_MS + "ms'");
      }
      ps.setInt(1, topN);
      List<String[]> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new String[] {rs.getString(1), Long.toString(rs.getLong(2)), rs.getString(3)});
        }
      }
      for (String[] r : rows) {
        out.add(new IndexBloat(database, r[0], Long.parseLong(r[1]), ReindexSql.fresh(c, r[2])));
      }
    } finally {
      c.rollback();
      c.setReadOnly(false);
      c.setAutoCommit(true);
    }
    return out;
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
