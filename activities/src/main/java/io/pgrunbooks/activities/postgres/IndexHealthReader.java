package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.QueryReportActivities.IndexHealth;
import io.pgrunbooks.workflows.activities.QueryReportActivities.IndexNote;
import io.pgrunbooks.workflows.reindex.ReindexRules;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** QueryReport's index checks: catalog facts from the primary, idx_scan from every node, bloat estimates. */
final class IndexHealthReader {
  /** Indexes at least this large get a HypoPG estimate of a fresh copy (the rebuild Reindex would do). */
  static final long BLOAT_MIN_BYTES = 1024L * 1024;
  static final int BLOAT_MAX_INDEXES = 50;
  /** A table this large with this share of dead tuples is reported as bloated. */
  static final long TABLE_MIN_BYTES = 1024L * 1024;
  static final double DEAD_SHARE = 0.2;
  private static final String INDEXES = "SELECT n.nspname || '.' || ic.relname, tn.nspname || '.' || t.relname,"
      + " pg_relation_size(ic.oid), i.indisvalid, i.indisunique OR EXISTS (SELECT 1 FROM pg_constraint co"
      + " WHERE co.conindid = ic.oid), pg_get_indexdef(ic.oid), am.amname || ' ' || i.indrelid || ' ' || i.indkey::text"
      + " || ' ' || i.indclass::text || ' ' || i.indcollation::text || ' ' || coalesce(pg_get_expr(i.indexprs,"
      + " i.indrelid), '') || ' ' || coalesce(pg_get_expr(i.indpred, i.indrelid), '')"
      + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace"
      + " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
      + " JOIN pg_am am ON am.oid = ic.relam WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
      + " AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 5 DESC, 1";

  private IndexHealthReader() {}

  private record Row(String name, String table, long bytes, boolean valid, boolean constraint, String def,
                     String signature) {}

  /**
   * @param scansByNode idx_scan by index name for each node read; a node mapped to null could not be read
   */
  static IndexHealth read(Connection primary, Map<String, Map<String, Long>> scansByNode, List<String> notes)
      throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Statement st = primary.createStatement(); ResultSet rs = st.executeQuery(INDEXES)) {
      while (rs.next()) {
        rows.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4), rs.getBoolean(5),
            rs.getString(6), rs.getString(7)));
      }
    }
    List<IndexNote> invalid = new ArrayList<>();
    List<IndexNote> duplicates = new ArrayList<>();
    Map<String, Row> firstBySignature = new HashMap<>();
    for (Row r : rows) {
      if (!r.valid()) {
        invalid.add(new IndexNote(r.name(), r.table(), r.bytes(), "INVALID (left by an interrupted CREATE INDEX"
            + " CONCURRENTLY or REINDEX): drop it or rebuild it with Reindex"));
        continue;
      }
      Row first = firstBySignature.putIfAbsent(r.signature(), r);
      if (first != null) {
        duplicates.add(new IndexNote(r.name(), r.table(), r.bytes(), "same columns, operator classes, expressions"
            + " and predicate as " + first.name() + " (" + r.def() + ")"));
      }
    }
    return new IndexHealth(unused(rows, scansByNode, notes), duplicates, invalid, bloatedIndexes(primary, rows, notes),
        bloatedTables(primary), notes);
  }

  /** idx_scan of every index as this node counts it (a replica counts only its own queries). */
  static Map<String, Long> scans(Connection c) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT schemaname || '.' || indexrelname,"
        + " idx_scan FROM pg_stat_user_indexes")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  private static List<IndexNote> unused(List<Row> rows, Map<String, Map<String, Long>> scansByNode,
                                        List<String> notes) {
    List<String> unread = scansByNode.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey)
        .toList();
    if (!unread.isEmpty()) {
      notes.add("idx_scan of " + unread + " could not be read: no index is called unused (a replica's queries"
          + " count only there)");
      return List.of();
    }
    List<IndexNote> out = new ArrayList<>();
    for (Row r : rows) {
      if (!r.valid() || r.constraint()) {
        continue;
      }
      Map<String, Long> perNode = new LinkedHashMap<>();
      scansByNode.forEach((node, scans) -> perNode.put(node, scans.getOrDefault(r.name(), -1L)));
      if (perNode.values().stream().allMatch(v -> v == 0)) {
        out.add(new IndexNote(r.name(), r.table(), r.bytes(), "idx_scan 0 on " + String.join(", ", perNode.keySet())
            + " since the statistics were reset"));
      }
    }
    return out;
  }

  /** HypoPG's size of a fresh copy against the real size, judged as Reindex judges it. */
  private static List<IndexNote> bloatedIndexes(Connection c, List<Row> rows, List<String> notes) throws SQLException {
    if (!IndexCatalog.installed(c, "hypopg")) {
      notes.add("hypopg is not installed in this database: no index bloat estimates, no what-if indexes");
      return List.of();
    }
    List<IndexNote> out = new ArrayList<>();
    List<Row> big = rows.stream().filter(r -> r.valid() && r.bytes() >= BLOAT_MIN_BYTES)
        .sorted((a, b) -> Long.compare(b.bytes(), a.bytes())).limit(BLOAT_MAX_INDEXES).toList();
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      for (Row r : big) {
        String why = ReindexRules.reason(new IndexSize(r.name(), true, r.bytes(), ReindexSql.fresh(c, r.def())));
        if (why != null) {
          out.add(new IndexNote(r.name(), r.table(), r.bytes(), why + " (HypoPG estimate; Reindex rebuilds it)"));
        }
      }
    } catch (SQLException e) {
      notes.add("index bloat estimates stopped: " + firstLine(e.getMessage()));
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
    return out;
  }

  /** Dead tuples by pg_stat_user_tables: the share of the table VACUUM could reuse (an estimate). */
  private static List<IndexNote> bloatedTables(Connection c) throws SQLException {
    List<IndexNote> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT schemaname || '.' || relname,"
        + " pg_relation_size(relid), n_live_tup, n_dead_tup FROM pg_stat_user_tables"
        + " WHERE pg_relation_size(relid) >= " + TABLE_MIN_BYTES + " ORDER BY 2 DESC")) {
      while (rs.next()) {
        long live = rs.getLong(3);
        long dead = rs.getLong(4);
        double share = live + dead == 0 ? 0 : (double) dead / (live + dead);
        if (share >= DEAD_SHARE) {
          out.add(new IndexNote(rs.getString(1), rs.getString(1), rs.getLong(2), String.format(java.util.Locale.ROOT,
              "%.0f%% dead tuples (%d dead, %d live): ~%d bytes to reclaim (estimate from pg_stat_user_tables)",
              100 * share, dead, live, (long) (rs.getLong(2) * share))));
        }
      }
    }
    return out;
  }
}
