package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.workflows.activities.VacuumActivities.TableStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** VacuumAnalyze's catalog reads; every name that reaches SQL text comes from pg_class and is quoted. */
final class VacuumSql {
  private static final String STATS = "SELECT n.nspname, c.relname, c.relkind, coalesce(s.n_live_tup, 0),"
      + " coalesce(s.n_dead_tup, 0), coalesce(s.n_mod_since_analyze, 0),"
      + " coalesce((extract(epoch FROM greatest(s.last_vacuum, s.last_autovacuum)) * 1000)::bigint, -1),"
      + " coalesce((extract(epoch FROM greatest(s.last_analyze, s.last_autoanalyze)) * 1000)::bigint, -1),"
      + " CASE WHEN c.relfrozenxid = '0'::xid THEN 0 ELSE age(c.relfrozenxid) END,"
      + " pg_relation_size(c.oid) / current_setting('block_size')::bigint"
      + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid";
  private static final String USER_TABLES = " WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'"
      + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'"
      + " ORDER BY 1, 2";
  private static final String ONE_TABLE = " WHERE n.nspname = ? AND c.relname = ?";

  private VacuumSql() {}

  /** Every user table, or the named ones (each must exist and be a table or materialized view). */
  static List<TableStats> stats(Connection c, List<String> named) throws SQLException {
    List<TableStats> out = new ArrayList<>();
    if (named.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(STATS + USER_TABLES); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    }
    List<String> unknown = new ArrayList<>();
    for (String name : named) {
      TableStats t = one(c, name);
      if (t == null) {
        unknown.add(name);
      } else {
        out.add(t);
      }
    }
    if (!unknown.isEmpty()) {
      throw Lookups.badInput("no such table in database " + c.getCatalog() + ": " + String.join(", ", unknown)
          + "; nothing was vacuumed");
    }
    return out;
  }

  /** One table's statistics; null when it does not exist. Partitioned parents and other kinds are BadInput. */
  static TableStats one(Connection c, String name) throws SQLException {
    String[] parts = Identifiers.split(name, "table");
    try (PreparedStatement ps = c.prepareStatement(STATS + ONE_TABLE)) {
      ps.setString(1, parts[0]);
      ps.setString(2, parts[1]);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String kind = rs.getString(3);
        if ("p".equals(kind)) {
          throw Lookups.badInput(name + " is a partitioned table: name its partitions (VACUUM of the parent would"
              + " process every partition in one statement)");
        }
        if (!"r".equals(kind) && !"m".equals(kind)) {
          throw Lookups.badInput(name + " is not a table (relkind '" + kind + "')");
        }
        return row(rs);
      }
    }
  }

  private static TableStats row(ResultSet rs) throws SQLException {
    return new TableStats(rs.getString(1) + "." + rs.getString(2), rs.getLong(4), rs.getLong(5), rs.getLong(6),
        rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10));
  }

  static long freezeMaxAge(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('autovacuum_freeze_max_age')::bigint");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static long nowMillis(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT (extract(epoch FROM now()) * 1000)::bigint");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** {@code pg_stat_progress_vacuum} of the backend running under {@code app}, or null when none runs. */
  static String progress(Connection watch, String app) throws SQLException {
    try (PreparedStatement ps = watch.prepareStatement("SELECT p.phase, p.heap_blks_total, p.heap_blks_scanned,"
        + " p.heap_blks_vacuumed, p.index_vacuum_count, p.num_dead_tuples FROM pg_stat_progress_vacuum p"
        + " JOIN pg_stat_activity a ON a.pid = p.pid WHERE a.application_name = ?")) {
      ps.setString(1, app);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long total = rs.getLong(2);
        long scanned = rs.getLong(3);
        return String.format("%s: %d of %d heap blocks scanned (%d%%), %d vacuumed, %d index pass(es), %d dead tuples"
            + " collected", rs.getString(1), scanned, total, total == 0 ? 0 : scanned * 100 / total, rs.getLong(4),
            rs.getLong(5), rs.getLong(6));
      }
    }
  }

  /** The application_name a table's VACUUM runs under: how a retry finds (and ends) the attempt a crash left. */
  static String applicationName(String table) {
    String app = "pg-runbooks vacuum " + table;
    return app.length() > 63 ? app.substring(0, 63) : app;
  }
}
