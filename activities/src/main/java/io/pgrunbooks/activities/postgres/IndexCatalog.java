package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.StatementCost;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Catalog reads and plan costs for the index runbooks; names always come from pg_class/pg_attribute. */
final class IndexCatalog {
  private static final Pattern TOTAL_COST = Pattern.compile("\"Total Cost\":\\s*([0-9.eE+-]+)");
  private static final Pattern NAMED_DEF = Pattern.compile("^CREATE (UNIQUE )?INDEX (?:\"(?:[^\"]|\"\")+\"|\\S+) ON ");
  private static final String PREPARED = "pgrb_explain";

  private IndexCatalog() {}

  /** A table resolved in the catalog. */
  record Table(long oid, String schema, String name) {
    String quoted() {
      return Identifiers.quote(schema, name);
    }
  }

  /** An index of a given name in a schema. */
  record Index(long oid, String qualified, boolean valid, String definition) {}

  static Table table(Connection c, String qualified) throws SQLException {
    String[] parts = Identifiers.split(qualified, "table");
    try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?"
        + " AND c.relkind IN ('r', 'p', 'm')")) {
      ps.setString(1, parts[0]);
      ps.setString(2, parts[1]);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw Lookups.badInput("table " + qualified + " does not exist in database " + c.getCatalog());
        }
        if ("p".equals(rs.getString(4))) {
          // PostgreSQL 15 cannot build an index on a partitioned table CONCURRENTLY.
          throw Lookups.badInput(qualified + " is partitioned: CREATE INDEX CONCURRENTLY is not possible on it;"
              + " index its partitions one by one");
        }
        return new Table(rs.getLong(1), rs.getString(2), rs.getString(3));
      }
    }
  }

  /** The attribute a typed column name means (exact, then folded to lower case as PostgreSQL folds it), or null. */
  static String attribute(Connection c, Table t, String typed) throws SQLException {
    for (String candidate : List.of(typed, typed.toLowerCase(java.util.Locale.ROOT))) {
      try (PreparedStatement ps = c.prepareStatement("SELECT attname FROM pg_attribute WHERE attrelid = ? AND attnum > 0"
          + " AND NOT attisdropped AND attname = ?")) {
        ps.setLong(1, t.oid());
        ps.setString(2, candidate);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return rs.getString(1);
          }
        }
      }
    }
    return null;
  }

  /** The index called {@code name} in the table's schema, or null. */
  static Index index(Connection c, String schema, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT ic.oid, i.indisvalid, pg_get_indexdef(ic.oid), ic.relkind"
        + " FROM pg_class ic JOIN pg_namespace n ON n.oid = ic.relnamespace LEFT JOIN pg_index i ON i.indexrelid = ic.oid"
        + " WHERE n.nspname = ? AND ic.relname = ?")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        if (!"i".equals(rs.getString(4))) {
          throw Lookups.badInput(schema + "." + name + " exists and is not an index; choose another name");
        }
        return new Index(rs.getLong(1), schema + "." + name, rs.getBoolean(2), rs.getString(3));
      }
    }
  }

  /** A valid index of the table whose definition, without its name, is {@code unnamedDef}; or null. */
  static String equivalent(Connection c, Table t, String unnamedDef) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname || '.' || ic.relname, pg_get_indexdef(i.indexrelid)"
        + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace"
        + " WHERE i.indrelid = ? AND i.indisvalid ORDER BY 1")) {
      ps.setLong(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (unnamed(rs.getString(2)).equals(unnamedDef)) {
            return rs.getString(1);
          }
        }
      }
    }
    return null;
  }

  /** {@code CREATE INDEX name ON ...} as {@code CREATE INDEX ON ...}, the form HypoPG deparses to. */
  static String unnamed(String definition) {
    Matcher m = NAMED_DEF.matcher(definition);
    return m.find() ? "CREATE " + (m.group(1) == null ? "" : m.group(1)) + "INDEX ON " + definition.substring(m.end())
        : definition;
  }

  /** Largest replay lag in bytes among the primary's replicas (0 with none). */
  static long maxReplicaLag(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(pg_wal_lsn_diff("
        + "pg_current_wal_lsn(), coalesce(replay_lsn, '0/0'))), 0)::bigint FROM pg_stat_replication")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The SELECTs of pg_stat_statements in this database that name the table, by total time; notes say why none. */
  static List<StatementCost> statementsOn(Connection c, Table t, int limit, List<String> notes) throws SQLException {
    List<StatementCost> out = new ArrayList<>();
    if (!installed(c, "pg_stat_statements")) {
      notes.add("pg_stat_statements is not installed in this database: no statements to compare");
      return out;
    }
    String sql = "SELECT s.queryid::text, s.query, s.calls, s.mean_exec_time FROM pg_stat_statements s"
        + " WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.toplevel"
        + " AND s.query ~* '^\\s*(select|with)\\M' AND s.query ILIKE '%' || ? || '%'"
        + " AND s.query NOT ILIKE '%pg_stat_statements%' AND s.query NOT ILIKE '%hypopg%'"
        + " ORDER BY s.total_exec_time DESC LIMIT ?";
    try (Statement sp = c.createStatement()) {
      sp.execute("SAVEPOINT pgrb_pss");
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, t.name());
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            // The text is PREPAREd for EXPLAIN: one statement only (PgJDBC would split a ';' into two).
            String problem = io.pgrunbooks.workflows.createindex.IndexRules.textProblem("statement", rs.getString(2));
            if (problem != null) {
              notes.add("statement " + rs.getString(1) + " not planned: " + problem.lines().findFirst().orElse(""));
              continue;
            }
            out.add(new StatementCost(rs.getString(1), rs.getString(2), rs.getLong(3), round(rs.getDouble(4)),
                Double.NaN, Double.NaN));
          }
        }
        sp.execute("RELEASE SAVEPOINT pgrb_pss");
      } catch (SQLException e) {
        sp.execute("ROLLBACK TO SAVEPOINT pgrb_pss");
        notes.add("pg_stat_statements cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    return out;
  }

  static boolean installed(Connection c, String extension) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_extension WHERE extname = ?")) {
      ps.setString(1, extension);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * The estimated total cost of {@code query}'s generic plan (parameters stay parameters), NaN when it cannot be
   * planned. Call inside a read-only transaction: PREPARE and EXPLAIN without ANALYZE execute nothing.
   */
  static double cost(Connection c, String query) throws SQLException {
    return totalCost(explain(c, query, "FORMAT JSON"));
  }

  /** The top plan node's "Total Cost" of an {@code EXPLAIN (FORMAT JSON)} output, NaN when null or absent. */
  static double totalCost(String jsonPlan) {
    Matcher m = jsonPlan == null ? null : TOTAL_COST.matcher(jsonPlan);
    return m != null && m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /**
   * {@code EXPLAIN (options)} of {@code query}'s generic plan (PREPARE with plan_cache_mode=force_generic_plan, then
   * EXPLAIN EXECUTE with a NULL per parameter), its lines joined; null when PostgreSQL cannot plan it. Call inside a
   * read-only transaction: PREPARE and EXPLAIN without ANALYZE execute nothing.
   */
  static String explain(Connection c, String query, String options) throws SQLException {
    return explain(c, query, options, new ArrayList<>());
  }

  /** {@link #explain(Connection, String, String)}; PostgreSQL's reason when it cannot plan goes to {@code why}. */
  static String explain(Connection c, String query, String options, List<String> why) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SAVEPOINT pgrb_explain");
      try {
        st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        st.execute("PREPARE " + PREPARED + " AS " + query);
        int params;
        try (ResultSet rs = st.executeQuery("SELECT cardinality(parameter_types) FROM pg_prepared_statements"
            + " WHERE name = '" + PREPARED + "'")) {
          rs.next();
          params = rs.getInt(1);
        }
        String args = params == 0 ? "" : "(" + String.join(", ", java.util.Collections.nCopies(params, "NULL")) + ")";
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN (" + options + ") EXECUTE " + PREPARED + args)) {
          while (rs.next()) {
            plan.append(plan.length() == 0 ? "" : "\n").append(rs.getString(1));
          }
        }
        st.execute("RELEASE SAVEPOINT pgrb_explain");
        return plan.toString();
      } catch (SQLException e) {
        st.execute("ROLLBACK TO SAVEPOINT pgrb_explain");
        why.add(String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        return null;
      } finally {
        // PREPARE outlives a rolled back savepoint.
        try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_prepared_statements WHERE name = '" + PREPARED + "'")) {
          if (rs.next()) {
            st.execute("DEALLOCATE " + PREPARED);
          }
        }
      }
    }
  }

  /** pg_stat_progress_create_index of the backend with {@code applicationName}, in words; null when none builds. */
  static String progress(Connection c, String applicationName) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT p.phase, p.blocks_done, p.blocks_total, p.tuples_done,"
        + " p.tuples_total, p.lockers_done, p.lockers_total FROM pg_stat_progress_create_index p"
        + " JOIN pg_stat_activity a ON a.pid = p.pid WHERE a.application_name = ?")) {
      ps.setString(1, applicationName);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        StringBuilder b = new StringBuilder(rs.getString(1));
        appendCount(b, "blocks", rs.getLong(2), rs.getLong(3));
        appendCount(b, "tuples", rs.getLong(4), rs.getLong(5));
        appendCount(b, "lockers", rs.getLong(6), rs.getLong(7));
        return b.toString();
      }
    }
  }

  private static void appendCount(StringBuilder b, String what, long done, long total) {
    if (total > 0) {
      b.append(", ").append(what).append(' ').append(done).append('/').append(total)
          .append(" (").append(100 * done / total).append("%)");
    }
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
