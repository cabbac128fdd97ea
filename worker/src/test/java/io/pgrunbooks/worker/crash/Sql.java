package io.pgrunbooks.worker.crash;

import io.pgrunbooks.ops.stack.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC helpers of the sweep's end-state checks. */
final class Sql {
  private Sql() {}

  static void exec(PostgresNode node, String... statements) throws SQLException {
    try (Connection c = node.connect("postgres"); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** The first column of every row, as text (null as "null"). */
  static List<String> column(PostgresNode node, String sql) throws SQLException {
    try (Connection c = node.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(String.valueOf(rs.getString(1)));
      }
      return out;
    }
  }

  static String value(PostgresNode node, String sql) throws SQLException {
    List<String> rows = column(node, sql);
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** Row count and an md5 over every row's text in {@code id} order: content, not only counts. */
  static String fingerprint(PostgresNode node, String table) throws SQLException {
    return value(node, "SELECT count(*) || ' rows, md5 ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t.id)), '-')"
        + " FROM " + table + " t");
  }

  /** Ordinary tables of {@code schema} that are not attached partitions (a detached partition left behind shows here). */
  static List<String> loneTables(PostgresNode node, String schema) throws SQLException {
    return column(node, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = '" + schema + "' AND c.relkind = 'r' AND NOT c.relispartition ORDER BY 1");
  }
}
