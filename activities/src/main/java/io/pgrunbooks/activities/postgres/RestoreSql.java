package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.ColumnDef;
import io.pgrunbooks.workflows.activities.PartitionRef;
import io.pgrunbooks.workflows.activities.RestoreTableResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Catalog work of RestorePartition: the new table's columns, a retry's finished table, bound overlaps. */
final class RestoreSql {
  private RestoreSql() {}

  static RestoreTableResult alreadyRestored(Connection c, long oid, String table, String marker, String qualified)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT obj_description(?::oid, 'pg_class')")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!marker.equals(rs.getString(1))) {
          throw Lookups.badInput("table " + qualified + " already exists; restore into a new name with targetTable");
        }
      }
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return new RestoreTableResult(oid, rs.getLong(1), -1, null, null, true);
    }
  }

  /** Column list from the manifest; each type must parse as a type name (to_regtype), so a manifest cannot inject SQL. */
  static String columns(Connection c, ArchiveManifest m) throws SQLException {
    StringBuilder cols = new StringBuilder();
    for (ColumnDef col : m.columns()) {
      String type = col.type();
      boolean valid;
      try (PreparedStatement ps = c.prepareStatement("SELECT to_regtype(?) IS NOT NULL")) {
        ps.setString(1, type);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          valid = rs.getBoolean(1);
        }
      }
      if (!valid || type.contains(";") || type.contains("--") || type.contains("/*")) {
        throw Lookups.badInput("manifest column " + col.name() + " has type '" + type + "' that is not a type of this database");
      }
      cols.append(cols.length() == 0 ? "" : ", ").append(Identifiers.quote(col.name())).append(' ').append(type)
          .append(col.notNull() ? " NOT NULL" : "");
    }
    return cols.toString();
  }

  /**
   * The first partition of {@code ref}'s parent (other than {@code ref} itself) whose range overlaps
   * {@code bound}, or null. BadInput when the parent is missing or not range-partitioned. PostgreSQL's own
   * ATTACH check stays the backstop; this one names the partition in the way before anything is tried.
   */
  static String overlapping(Connection c, PartitionRef ref, String bound) throws SQLException {
    long parent = ArchiveCatalog.oid(c, ref.parentSchema(), ref.parentName());
    if (parent == 0) {
      throw Lookups.badInput("parent " + ref.parentQualified() + " does not exist; nothing was attached");
    }
    String[] mine = PartitionCatalog.rangeLiterals(bound);
    if (mine == null) {
      throw Lookups.badInput("bound " + bound + " is not a range bound; only range partitions are attached again");
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname || '.' || k.relname, pg_get_expr(k.relpartbound, k.oid)"
        + " FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid JOIN pg_namespace n ON n.oid = k.relnamespace"
        + " WHERE i.inhparent = ? AND k.oid <> ? ORDER BY 1")) {
      ps.setLong(1, parent);
      ps.setLong(2, ref.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] theirs = PartitionCatalog.rangeLiterals(rs.getString(2));
          if (theirs != null && overlap(c, mine, theirs)) {
            return rs.getString(1);
          }
        }
      }
    }
    return null;
  }

  private static boolean overlap(Connection c, String[] a, String[] b) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT tstzrange(?::timestamptz, ?::timestamptz) && tstzrange(?::timestamptz, ?::timestamptz)")) {
      ps.setString(1, value(a[0]));
      ps.setString(2, value(a[1]));
      ps.setString(3, value(b[0]));
      ps.setString(4, value(b[1]));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** A bound literal as text: {@code '2020-01-01'} unquoted, MINVALUE and MAXVALUE as infinities. */
  private static String value(String literal) {
    String s = literal.strip();
    if (s.equalsIgnoreCase("MINVALUE")) {
      return "-infinity";
    }
    if (s.equalsIgnoreCase("MAXVALUE")) {
      return "infinity";
    }
    if (s.startsWith("'") && s.endsWith("'")) {
      return s.substring(1, s.length() - 1).replace("''", "'");
    }
    throw Lookups.badInput("bound value " + literal + " is not a single date or time literal");
  }
}
