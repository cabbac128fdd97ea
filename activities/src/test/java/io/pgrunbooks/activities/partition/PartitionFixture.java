package io.pgrunbooks.activities.partition;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Database {@value #DB} on the shared stack's primary, a fresh schema per test, and a config naming it. */
final class PartitionFixture {
  static final String DB = "pm_test";
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static boolean created;

  private PartitionFixture() {}

  static PostgresNode primary() {
    return TestStack.stack().postgres().currentPrimary();
  }

  static synchronized String newSchema() throws SQLException {
    if (!created) {
      try (Connection c = primary().connect("postgres"); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DB + "'")) {
        if (!rs.next()) {
          st.execute("CREATE DATABASE " + DB);
        }
      }
      created = true;
    }
    String schema = "pm_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema);
    return schema;
  }

  static Connection connect() throws SQLException {
    Connection c = primary().connect(DB);
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  static void exec(String... sql) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  static long count(String sql) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Config of the stack with database {@value #DB} and these policy entries (YAML list items, indented 10). */
  static RunbooksConfig config(String... policies) {
    StringBuilder yaml = new StringBuilder("""
        worker:
          agentStartTimeout: 5s
        clusters:
          %s:
            nodes:
        """.formatted(TestStack.CLUSTER));
    for (PostgresNode node : TestStack.stack().postgres().nodes()) {
      yaml.append("""
                - name: %s
                  host: %s
                  port: %d
                  dataDir: %s
          """.formatted(node.name(), node.host(), node.port(), node.dataDir().toAbsolutePath()));
    }
    yaml.append("""
            credentials:
              user: postgres
              passwordEnv: %s
            databases:
              %s:
                partitions:
        """.formatted(TestStack.PASSWORD_ENV, DB));
    for (String p : policies) {
      yaml.append("          - ").append(p).append('\n');
    }
    yaml.append("""
        archive:
          bucket: test-bucket
          endpoint: http://127.0.0.1:1
          region: us-east-1
        """);
    return ConfigLoader.parse(yaml.toString(), TestStack.env(), "partition-test");
  }

  /** A parent {@code schema.table} RANGE-partitioned on {@code created_at} of {@code keyType}. */
  static void parent(String table, String keyType) throws SQLException {
    exec("CREATE TABLE " + table + " (id bigserial, created_at " + keyType + " NOT NULL, note text,"
        + " PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at)");
  }

  /** A monthly partition {@code name} of {@code table} for the month starting {@code first}. */
  static void month(String table, String name, LocalDate first) throws SQLException {
    exec("CREATE TABLE " + table.substring(0, table.indexOf('.') + 1) + name + " PARTITION OF " + table
        + " FOR VALUES FROM ('" + ts(first) + "') TO ('" + ts(first.plusMonths(1)) + "')");
  }

  static String ts(LocalDate d) {
    return d.atStartOfDay().atOffset(ZoneOffset.UTC).toString();
  }

  /** Names (without schema) of the partitions of {@code table}, sorted. */
  static List<String> partitions(String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ?::regclass"
            + " ORDER BY 1")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  /** Every relation of a schema with kind, bound and file node: any DDL shows up as a difference. */
  static List<String> snapshot(String schema) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("""
        SELECT c.relname || ' ' || c.relkind::text || ' ' || coalesce(pg_get_expr(c.relpartbound, c.oid), '-') || ' '
               || c.relfilenode || ' ' || (SELECT count(*) FROM pg_inherits i WHERE i.inhrelid = c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? ORDER BY 1""")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
    }
    return rows;
  }
}
