package io.pgrunbooks.catalog;

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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of a partitioned table's facts from the catalog (pg_class, pg_namespace,
 * pg_partitioned_table, pg_inherits; bounds from {@code pg_get_expr(relpartbound)}), shared by the
 * partition-maintenance activities, the archive catalog (bound parsing) and the CLI's grid. Tables are
 * looked up by bound schema and name, never by text pasted into SQL. The connection's TimeZone must be
 * UTC so that timestamptz bounds read back in UTC. Bad input is an {@link IllegalArgumentException}
 * naming the table and the reason; each caller turns it into its own failure.
 */
public final class PartitionCatalogReader {
  /** The partition key types whose bounds are instants. */
  public static final List<String> KEY_TYPES = List.of("date", "timestamp without time zone", "timestamp with time zone");
  private static final Pattern RANGE = Pattern.compile("FOR VALUES FROM \\((.+)\\) TO \\((.+)\\)");

  private PartitionCatalogReader() {}

  /**
   * A RANGE-partitioned parent as the catalog knows it.
   *
   * @param table {@code schema.name} as given
   * @param keyType date, timestamp or timestamptz
   * @param defaultPartition {@code schema.name} of its default partition, or null
   */
  public record Parent(long oid, String table, String keyColumn, String keyType, String defaultPartition) {}

  /**
   * Validates a parent: it exists, is RANGE-partitioned on exactly one date/timestamp(tz) column.
   *
   * @throws IllegalArgumentException naming the table and the reason
   */
  public static Parent parent(Connection c, String table) throws SQLException {
    return parents(c, List.of(table)).get(0);
  }

  /**
   * {@link #parent} of several tables in one catalog query, in their order.
   *
   * @throws IllegalArgumentException naming the first bad table (in input order) and the reason
   */
  public static List<Parent> parents(Connection c, List<String> tables) throws SQLException {
    String[][] split = splitAll(tables);
    List<Parent> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT c.oid, c.relkind, pt.partstrat, pt.partnatts, pt.partattrs[0] AS attnum,
               a.attname, a.atttypid::regtype::text AS keytype,
               (SELECT dn.nspname || '.' || d.relname FROM pg_class d JOIN pg_namespace dn ON dn.oid = d.relnamespace
                 WHERE d.oid = pt.partdefid) AS defpart
        FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS w(s, t, ord)
        LEFT JOIN (pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace) ON n.nspname = w.s AND c.relname = w.t
        LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0]
        ORDER BY w.ord""")) {
      ps.setArray(1, c.createArrayOf("text", split[0]));
      ps.setArray(2, c.createArrayOf("text", split[1]));
      try (ResultSet rs = ps.executeQuery()) {
        for (String table : tables) {
          rs.next();
          out.add(parent(rs, table));
        }
      }
    }
    return out;
  }

  /** One row of {@link #parents}, validated. */
  private static Parent parent(ResultSet rs, String table) throws SQLException {
    String kind = rs.getString("relkind");
    if (kind == null) {
      throw new IllegalArgumentException(table + ": no such table in the database");
    }
    if (!"p".equals(kind)) {
      throw new IllegalArgumentException(table + ": not a partitioned table (relkind " + kind + ")");
    }
    if (!"r".equals(rs.getString("partstrat"))) {
      throw new IllegalArgumentException(table + ": partitioned by " + strategy(rs.getString("partstrat"))
          + ", not RANGE");
    }
    if (rs.getInt("partnatts") != 1 || rs.getInt("attnum") == 0) {
      throw new IllegalArgumentException(table + ": the range key must be exactly one column (it has "
          + rs.getInt("partnatts") + (rs.getInt("attnum") == 0 ? " or an expression" : "") + ")");
    }
    String type = rs.getString("keytype");
    if (!KEY_TYPES.contains(type)) {
      throw new IllegalArgumentException(table + ": the range key " + rs.getString("attname") + " is " + type
          + "; only date, timestamp and timestamptz are supported");
    }
    return new Parent(rs.getLong("oid"), table, rs.getString("attname"), type, rs.getString("defpart"));
  }

  /** The parent's range partitions (by lower bound, MINVALUE first) and its default partition's rows per interval. */
  public static TableFacts facts(Connection c, Parent p, String interval) throws SQLException {
    return facts(c, List.of(p), List.of(interval)).get(0);
  }

  /**
   * {@link #facts(Connection, Parent, String)} of several validated parents, in their order: every partition of all
   * of them (bounds, estimated rows, sizes) in one query, plus one exact count per default partition.
   *
   * @param intervals each parent's interval (day, week, month), for its default partition's rows
   */
  public static List<TableFacts> facts(Connection c, List<Parent> parents, List<String> intervals) throws SQLException {
    Map<Long, List<PartitionFacts>> byParent = new HashMap<>();
    parents.forEach(p -> byParent.put(p.oid(), new ArrayList<>()));
    // inhparent compared as oid, not cast to bigint: a cast column cannot use pg_inherits_parent_index, and the
    // sequential scan of pg_inherits (a row per partition of every table and index) cost 20 ms a call at 200
    // tables x 36 partitions.
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT i.inhparent::bigint AS parent, n.nspname || '.' || c.relname AS name,
               pg_get_expr(c.relpartbound, c.oid) AS bound,
               c.reltuples::bigint AS tuples, pg_table_size(c.oid) AS tbytes, pg_indexes_size(c.oid) AS ibytes
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.inhparent = ANY (?::bigint[]::oid[]) ORDER BY 2""")) {
      ps.setArray(1, c.createArrayOf("bigint", parents.stream().map(Parent::oid).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String bound = rs.getString("bound");
          if ("DEFAULT".equals(bound)) {
            continue;
          }
          byParent.get(rs.getLong("parent")).add(partition(rs));
        }
      }
    }
    List<TableFacts> out = new ArrayList<>();
    for (int i = 0; i < parents.size(); i++) {
      Parent p = parents.get(i);
      List<PartitionFacts> partitions = byParent.get(p.oid());
      partitions.sort(Comparator.comparing(PartitionFacts::from, Comparator.nullsFirst(Comparator.naturalOrder())));
      out.add(new TableFacts(p.table(), p.keyColumn(), p.keyType(), List.copyOf(partitions), p.defaultPartition(),
          p.defaultPartition() == null ? List.of() : defaultRows(c, p, intervals.get(i))));
    }
    return out;
  }

  /**
   * The facts of named range partitions ({@code schema.name} each) in one query, in no particular order; a name
   * that is no range partition is left out. For the partitions a run just created: reading only them costs a
   * fraction of {@link #facts}' read of every partition of their tables (whose sizes open every relation).
   */
  public static List<PartitionFacts> partitions(Connection c, List<String> names) throws SQLException {
    String[][] split = splitAll(names);
    List<PartitionFacts> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT n.nspname || '.' || c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound,
               c.reltuples::bigint AS tuples, pg_table_size(c.oid) AS tbytes, pg_indexes_size(c.oid) AS ibytes
        FROM unnest(?::text[], ?::text[]) AS w(s, t)
        JOIN pg_namespace n ON n.nspname = w.s JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.t
        WHERE c.relispartition""")) {
      ps.setArray(1, c.createArrayOf("text", split[0]));
      ps.setArray(2, c.createArrayOf("text", split[1]));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rangeLiterals(rs.getString("bound")) != null) {
            out.add(partition(rs));
          }
        }
      }
    }
    return out;
  }

  /** A partition's facts from a row with name, bound, tuples, tbytes and ibytes. */
  private static PartitionFacts partition(ResultSet rs) throws SQLException {
    String bound = rs.getString("bound");
    String[] b = bounds(bound);
    return new PartitionFacts(rs.getString("name"), b[0], b[1], bound, rs.getLong("tuples"), rs.getLong("tbytes"),
        rs.getLong("ibytes"));
  }

  /** Exact rows of the default partition per interval start (UTC). */
  private static List<IntervalRows> defaultRows(Connection c, Parent p, String interval) throws SQLException {
    String key = PartitionSql.ident(p.keyColumn());
    String expr = switch (p.keyType()) {
      case "timestamp with time zone" -> key + " AT TIME ZONE 'UTC'";
      case "date" -> key + "::timestamp";
      default -> key;
    };
    List<IntervalRows> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT to_char(date_trunc(?, " + expr + "), 'YYYY-MM-DD'), count(*)"
        + " FROM " + PartitionSql.qualified(p.defaultPartition()) + " GROUP BY 1 ORDER BY 1")) {
      ps.setString(1, interval);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new IntervalRows(Intervals.iso(LocalDate.parse(rs.getString(1))), rs.getLong(2)));
        }
      }
    }
    return rows;
  }

  /** {@code [from, to]} as ISO instants of a range bound expression; null for MINVALUE/MAXVALUE. */
  public static String[] bounds(String expr) {
    String[] literals = rangeLiterals(expr);
    if (literals == null) {
      throw new IllegalArgumentException("not a range bound: " + expr);
    }
    return new String[] {value(literals[0]), value(literals[1])};
  }

  /**
   * The two literal lists of {@code pg_get_expr(relpartbound)} for a range partition ({@code FOR VALUES
   * FROM ('2025-01-01') TO ('2025-02-01')} gives {@code '2025-01-01'} and {@code '2025-02-01'}); null for
   * DEFAULT or a list/hash bound.
   */
  public static String[] rangeLiterals(String expr) {
    Matcher m = expr == null ? null : RANGE.matcher(expr);
    return m != null && m.matches() ? new String[] {m.group(1), m.group(2)} : null;
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
    s = s.replaceFirst("\\+00$", "").replace(' ', 'T');
    return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toString();
  }

  /** {@code [schema, name]} of {@code schema.name}; IllegalArgumentException otherwise. */
  public static String[] split(String table) {
    int dot = table == null ? -1 : table.indexOf('.');
    if (dot <= 0 || dot == table.length() - 1) {
      throw new IllegalArgumentException("'" + table + "' is not a schema.name table name");
    }
    return new String[] {table.substring(0, dot), table.substring(dot + 1)};
  }

  /**
   * The schemas and the names of several {@code schema.name}s, as two arrays (for {@code unnest(?::text[],
   * ?::text[])}: one query for many tables); IllegalArgumentException for a name that is not {@code schema.name}.
   */
  public static String[][] splitAll(List<String> tables) {
    String[][] out = new String[2][tables.size()];
    for (int i = 0; i < tables.size(); i++) {
      String[] parts = split(tables.get(i));
      out[0][i] = parts[0];
      out[1][i] = parts[1];
    }
    return out;
  }

  private static String strategy(String s) {
    return s == null ? "nothing" : switch (s) {
      case "l" -> "LIST";
      case "h" -> "HASH";
      default -> s;
    };
  }
}
