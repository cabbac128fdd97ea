package io.pgrunbooks.ops.cli;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.IntervalRows;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import io.pgrunbooks.workflows.partitionmaintenance.Intervals;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Read-only catalog queries for the grid (ops may not use the activities module): bounds via pg_get_expr. */
final class PartitionsReader {
  private static final Pattern RANGE = Pattern.compile("FOR VALUES FROM \\((.+)\\) TO \\((.+)\\)");

  private PartitionsReader() {}

  /** @throws IllegalArgumentException when the table is missing or not RANGE-partitioned on one column */
  static TableFacts read(Connection c, String table, String interval) throws SQLException {
    String schema = table.substring(0, table.indexOf('.'));
    String name = table.substring(table.indexOf('.') + 1);
    long oid;
    String key;
    String type;
    String def;
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT c.oid, a.attname, a.atttypid::regtype::text,
               (SELECT dn.nspname || '.' || d.relname FROM pg_class d JOIN pg_namespace dn ON dn.oid = d.relnamespace
                 WHERE d.oid = pt.partdefid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_partitioned_table pt ON pt.partrelid = c.oid AND pt.partstrat = 'r' AND pt.partnatts = 1
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0]
        WHERE n.nspname = ? AND c.relname = ?""")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("missing, or not RANGE-partitioned on one column");
        }
        oid = rs.getLong(1);
        key = rs.getString(2);
        type = rs.getString(3);
        def = rs.getString(4);
      }
    }
    List<PartitionFacts> parts = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT n.nspname || '.' || c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint,
               pg_table_size(c.oid), pg_indexes_size(c.oid)
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.inhparent = ? ORDER BY 1""")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Matcher m = RANGE.matcher(rs.getString(2));
          if (m.matches()) {
            parts.add(new PartitionFacts(rs.getString(1), value(m.group(1)), value(m.group(2)), rs.getString(2),
                rs.getLong(3), rs.getLong(4), rs.getLong(5)));
          }
        }
      }
    }
    List<IntervalRows> rows = new ArrayList<>();
    if (def != null) {
      String k = PartitionSql.ident(key);
      String expr = type.equals("timestamp with time zone") ? k + " AT TIME ZONE 'UTC'" : k + "::timestamp";
      try (PreparedStatement ps = c.prepareStatement("SELECT to_char(date_trunc(?, " + expr + "), 'YYYY-MM-DD'), count(*)"
          + " FROM " + PartitionSql.qualified(def) + " GROUP BY 1")) {
        ps.setString(1, interval);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new IntervalRows(Intervals.iso(LocalDate.parse(rs.getString(1))), rs.getLong(2)));
          }
        }
      }
    }
    return new TableFacts(table, key, type, parts, def, rows);
  }

  private static String value(String v) {
    String s = v.strip();
    if (!s.startsWith("'")) {
      return null;
    }
    s = s.substring(1, s.length() - 1);
    if (s.endsWith("infinity")) {
      return null;
    }
    if (s.length() == 10) {
      return Intervals.iso(LocalDate.parse(s));
    }
    return LocalDateTime.parse(s.replaceFirst("\\+00$", "").replace(' ', 'T')).toInstant(ZoneOffset.UTC).toString();
  }
}
