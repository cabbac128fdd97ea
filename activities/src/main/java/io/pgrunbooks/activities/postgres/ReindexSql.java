package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;
import static io.pgrunbooks.activities.ActivitySupport.pause;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.ReindexFacts;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.ReindexTarget;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reindex's catalog reads and its one mutation; every name comes from pg_class. */
final class ReindexSql {
  private static final String INDEXES = "SELECT n.nspname || '.' || ic.relname, i.indisvalid,"
      + " pg_relation_size(ic.oid), pg_get_indexdef(ic.oid), ic.oid FROM pg_index i JOIN pg_class ic ON ic.oid ="
      + " i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE i.indrelid = ? ORDER BY 1";

  private ReindexSql() {}

  /** The table (and, for an index target, that index) the target names; unknown names are BadInput. */
  static long[] resolve(Connection c, ReindexTarget t) throws SQLException {
    boolean byIndex = t.index() != null && !t.index().isBlank();
    String[] parts = Identifiers.split(byIndex ? t.index() : t.table(), byIndex ? "index" : "table");
    try (PreparedStatement ps = c.prepareStatement(byIndex
        ? "SELECT i.indrelid, ic.oid FROM pg_class ic JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_index i"
            + " ON i.indexrelid = ic.oid WHERE n.nspname = ? AND ic.relname = ?"
        : "SELECT c.oid, 0 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?"
            + " AND c.relname = ? AND c.relkind IN ('r', 'm')")) {
      ps.setString(1, parts[0]);
      ps.setString(2, parts[1]);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw Lookups.badInput((byIndex ? "index " : "table ") + String.join(".", parts) + " does not exist");
        }
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  static String qualifiedName(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
        + " ON n.oid = c.relnamespace WHERE c.oid = ?")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1) + "." + rs.getString(2);
      }
    }
  }

  static ReindexFacts facts(Connection c, String node, ReindexTarget t) throws SQLException {
    long[] ids = resolve(c, t);
    List<String> notes = new ArrayList<>();
    boolean hypopg = IndexCatalog.installed(c, "hypopg");
    if (!hypopg) {
      notes.add("hypopg is not installed in this database: no estimate of a fresh copy's size");
    }
    List<IndexSize> sizes = new ArrayList<>();
    List<String> leftovers = leftovers(c, ids[0]);
    c.setAutoCommit(false);
    c.setReadOnly(true);
    try (PreparedStatement ps = c.prepareStatement(INDEXES)) {
      ps.setLong(1, ids[0]);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if ((ids[1] != 0 && rs.getLong(5) != ids[1]) || leftovers.contains(rs.getString(1))) {
            continue;
          }
          long fresh = hypopg ? fresh(c, rs.getString(4)) : -1;
          sizes.add(new IndexSize(rs.getString(1), rs.getBoolean(2), rs.getLong(3), fresh));
        }
      }
    } finally {
      c.rollback();
      c.setReadOnly(false);
      c.setAutoCommit(true);
    }
    return new ReindexFacts(node, qualifiedName(c, ids[0]), sizes, leftovers, notes);
  }

  /** HypoPG's size of a new copy of a definition PostgreSQL itself printed; -1 when it cannot simulate it. */
  static long fresh(Connection c, String definition) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SAVEPOINT pgrb_fresh");
      try (PreparedStatement ps = c.prepareStatement("SELECT hypopg_relation_size(indexrelid) FROM"
          + " hypopg_create_index(?)")) {
        ps.setString(1, definition);
        try (ResultSet rs = ps.executeQuery()) {
          long size = rs.next() ? rs.getLong(1) : -1;
          st.execute("RELEASE SAVEPOINT pgrb_fresh");
          return size;
        }
      } catch (SQLException unsupported) {
        st.execute("ROLLBACK TO SAVEPOINT pgrb_fresh");
        return -1;
      } finally {
        st.execute("SELECT hypopg_reset()");
      }
    }
  }

  /** INVALID indexes of the table that an interrupted REINDEX CONCURRENTLY left (named ..._ccnew[N] or _ccold[N]). */
  static List<String> leftovers(Connection c, long table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname || '.' || ic.relname FROM pg_index i JOIN pg_class ic"
        + " ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE i.indrelid = ?"
        + " AND NOT i.indisvalid AND ic.relname ~ '_cc(new|old)[0-9]*$' ORDER BY 1")) {
      ps.setLong(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  static List<IndexSize> reindex(Connection c, Connection watch, ReindexTarget t, String node) throws SQLException {
    long[] ids = resolve(c, t);
    String app = applicationName(c, ids);
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
      ps.setString(1, app);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          pause(1000, PostgresIndexActivitiesImpl.LOCK_TIMEOUT);
        }
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("SET application_name = '" + app.replace("'", "''") + "'");
      st.execute("SET client_connection_check_interval = '2s'");
      st.execute("SET lock_timeout = '10s'");
      for (String leftover : leftovers(c, ids[0])) {
        String[] parts = leftover.split("\\.", 2);
        heartbeat("dropping leftover " + leftover);
        st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.quote(parts[0], parts[1]));
      }
      String what = ids[1] != 0 ? "INDEX " + quoted(c, ids[1]) : "TABLE " + quoted(c, ids[0]);
      heartbeat("REINDEX " + what + " CONCURRENTLY");
      java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
      SQLException e;
      try {
        // Heartbeats pg_stat_progress_create_index while it runs: a lost worker is noticed within a minute.
        e = PostgresIndexActivitiesImpl.runWatched(runner, c, watch, app, "REINDEX " + what.replaceFirst(" ", " CONCURRENTLY "));
      } finally {
        runner.shutdownNow();
      }
      if (e != null) {
        // The failed attempt's own _ccnew copies go now; the retry finds none.
        for (String leftover : leftovers(c, ids[0])) {
          String[] parts = leftover.split("\\.", 2);
          st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.quote(parts[0], parts[1]));
        }
        throw ApplicationFailure.newFailure("REINDEX " + what + " CONCURRENTLY failed: "
            + e.getMessage().lines().findFirst().orElse(""), "55P03".equals(e.getSQLState())
            ? PostgresIndexActivitiesImpl.LOCK_TIMEOUT : PostgresActivitiesImpl.SQL_ERROR);
      }
    }
    return facts(c, node, t).indexes();
  }

  /** pg_stat_progress_create_index of the target's running reindex, in words; null when none runs. */
  static String progress(Connection c, ReindexTarget t) throws SQLException {
    return IndexCatalog.progress(c, applicationName(c, resolve(c, t)));
  }

  /** The application_name the rebuild's backend carries: how a retry and the progress query find it. */
  private static String applicationName(Connection c, long[] ids) throws SQLException {
    String app = "pg-runbooks reindex " + qualifiedName(c, ids[1] != 0 ? ids[1] : ids[0]);
    return app.length() > 63 ? app.substring(0, 63) : app;
  }

  private static String quoted(Connection c, long oid) throws SQLException {
    String[] parts = qualifiedName(c, oid).split("\\.", 2);
    return Identifiers.quote(parts[0], parts[1]);
  }
}
