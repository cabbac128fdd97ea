package io.pgrunbooks.activities.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.activities.QueryReportActivities.Candidate;
import io.pgrunbooks.workflows.activities.QueryReportActivities.SeqScan;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementDelta;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementPlan;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.createindex.IndexRules;
import io.pgrunbooks.workflows.queryreport.QueryReportRules;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * QueryReport's plans: EXPLAIN (never ANALYZE) of prepared statements, sequential scans of large tables and
 * HypoPG candidates on the columns their filters use. The caller holds a read-only transaction it rolls back.
 */
final class QueryPlans {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final int MAX_COLUMNS = 3;

  private QueryPlans() {}

  static StatementPlan plan(Connection c, StatementDelta s, long largeTableBytes, boolean hypopg) throws SQLException {
    if (!QueryReportRules.plannable(s.query())) {
      return unplanned(s, "not a SELECT/INSERT/UPDATE/DELETE: not explained");
    }
    String problem = IndexRules.textProblem("statement", s.query());
    if (problem != null) {
      return unplanned(s, problem.lines().findFirst().orElse(problem));
    }
    List<String> why = new ArrayList<>();
    String json = IndexCatalog.explain(c, s.query(), "VERBOSE, FORMAT JSON", why);
    String text = json == null ? null : IndexCatalog.explain(c, s.query(), "FORMAT TEXT", why);
    if (json == null || text == null) {
      return unplanned(s, "PostgreSQL could not plan it with NULL parameters: " + String.join("; ", why));
    }
    double cost = IndexCatalog.totalCost(json);
    List<SeqScan> scans = new ArrayList<>();
    List<Candidate> candidates = new ArrayList<>();
    List<JsonNode> nodes = new ArrayList<>();
    try {
      collect(JSON.readTree(json).path(0).path("Plan"), nodes);
    } catch (IOException e) {
      return unplanned(s, "unreadable plan: " + e.getMessage());
    }
    for (JsonNode n : nodes) {
      IndexCatalog.Table t = table(c, n.path("Schema").asText(null), n.path("Relation Name").asText(null));
      long bytes = t == null ? 0 : size(c, t.oid());
      if (t == null || bytes < largeTableBytes) {
        continue;
      }
      String filter = n.path("Filter").asText(null);
      scans.add(new SeqScan(t.schema() + "." + t.name(), bytes, n.path("Plan Rows").asDouble(), filter));
      if (hypopg && filter != null) {
        List<String> cols = columnsIn(c, t, filter);
        for (String col : cols) {
          whatIf(c, s.query(), t, List.of(col), cost, candidates);
        }
        if (cols.size() > 1) {
          whatIf(c, s.query(), t, cols, cost, candidates);
        }
      }
    }
    return new StatementPlan(s.queryId(), s.query(), text, cost, scans, candidates, null);
  }

  private static StatementPlan unplanned(StatementDelta s, String why) {
    return new StatementPlan(s.queryId(), s.query(), null, Double.NaN, List.of(), List.of(), why);
  }

  private static void collect(JsonNode node, List<JsonNode> seqScans) {
    if ("Seq Scan".equals(node.path("Node Type").asText())) {
      seqScans.add(node);
    }
    for (JsonNode child : node.path("Plans")) {
      collect(child, seqScans);
    }
  }

  private static IndexCatalog.Table table(Connection c, String schema, String name) throws SQLException {
    if (schema == null || name == null) {
      return null;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT c.oid FROM pg_class c JOIN pg_namespace n"
        + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new IndexCatalog.Table(rs.getLong(1), schema, name) : null;
      }
    }
  }

  private static long size(Connection c, long oid) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_relation_size(" + oid + ")")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** The table's columns the filter names (as EXPLAIN prints them: bare, qualified or quoted), in column order. */
  private static List<String> columnsIn(Connection c, IndexCatalog.Table t, String filter) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT attname FROM pg_attribute WHERE attrelid = ? AND attnum > 0"
        + " AND NOT attisdropped ORDER BY attnum")) {
      ps.setLong(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && out.size() < MAX_COLUMNS) {
          String name = rs.getString(1);
          if (Pattern.compile("(?<![A-Za-z0-9_$])\"?" + Pattern.quote(name) + "\"?(?![A-Za-z0-9_$(])").matcher(filter)
              .find()) {
            out.add(name);
          }
        }
      }
    }
    return out;
  }

  /** One hypothetical index (built from catalog names only), the statement's cost with it, then hypopg_reset. */
  private static void whatIf(Connection c, String query, IndexCatalog.Table t, List<String> cols, double before,
                             List<Candidate> out) throws SQLException {
    String typed = "CREATE INDEX ON " + t.quoted() + " (" + String.join(", ", cols.stream().map(Identifiers::quote)
        .toList()) + ")";
    try (Statement st = c.createStatement()) {
      st.execute("SAVEPOINT pgrb_whatif");
      try {
        String def;
        long bytes;
        try (PreparedStatement ps = c.prepareStatement("SELECT hypopg_get_indexdef(indexrelid),"
            + " hypopg_relation_size(indexrelid) FROM hypopg_create_index(?)")) {
          ps.setString(1, typed);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            def = rs.getString(1);
            bytes = rs.getLong(2);
          }
        }
        double after = IndexCatalog.cost(c, query);
        st.execute("RELEASE SAVEPOINT pgrb_whatif");
        if (after < before) {
          out.add(new Candidate(def, bytes, before, after));
        }
      } catch (SQLException unsupported) {
        st.execute("ROLLBACK TO SAVEPOINT pgrb_whatif");
      } finally {
        st.execute("SELECT hypopg_reset()");
      }
    }
  }
}
