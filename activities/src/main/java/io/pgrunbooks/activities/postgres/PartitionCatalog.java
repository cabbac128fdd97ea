package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.catalog.PartitionCatalogReader;
import io.pgrunbooks.catalog.PartitionCatalogReader.Parent;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The activities' side of the shared {@link PartitionCatalogReader} (module {@code catalog}, also read by
 * the CLI): its bad input becomes a non-retryable BadInput failure naming the table and the reason. Plus
 * the lookup of one relation by name, which only the activities need.
 */
final class PartitionCatalog {
  static final List<String> KEY_TYPES = PartitionCatalogReader.KEY_TYPES;

  private PartitionCatalog() {}

  /** A relation found by name: its oid, parent oid (0 when none) and bound text (null when none). */
  record Relation(long oid, long parentOid, String bound) {}

  /** Validates a configured parent; BadInput naming the table and the reason. */
  static Parent parent(Connection c, String table) throws SQLException {
    try {
      return PartitionCatalogReader.parent(c, table);
    } catch (IllegalArgumentException e) {
      throw Lookups.badInput(e.getMessage());
    }
  }

  /** Validates several configured parents in one query; BadInput naming the first bad table and the reason. */
  static List<Parent> parents(Connection c, List<String> tables) throws SQLException {
    try {
      return PartitionCatalogReader.parents(c, tables);
    } catch (IllegalArgumentException e) {
      throw Lookups.badInput(e.getMessage());
    }
  }

  static TableFacts facts(Connection c, Parent p, String interval) throws SQLException {
    return PartitionCatalogReader.facts(c, p, interval);
  }

  /** The facts of several validated parents, their partitions read in one query. */
  static List<TableFacts> facts(Connection c, List<Parent> parents, List<String> intervals) throws SQLException {
    return PartitionCatalogReader.facts(c, parents, intervals);
  }

  /** A relation by {@code schema.name}, or null when there is none. */
  static Relation relation(Connection c, String schema, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT c.oid, coalesce(i.inhparent, 0) AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
        WHERE n.nspname = ? AND c.relname = ?""")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Relation(rs.getLong(1), rs.getLong(2), rs.getString(3)) : null;
      }
    }
  }

  /**
   * The relations of several {@code schema.name}s in one query, by name (absent names are not in the map), each with
   * its total size (table, indexes, TOAST) for the evidence.
   */
  static Map<String, Sized> relations(Connection c, List<String> names) throws SQLException {
    String[][] split;
    try {
      split = PartitionCatalogReader.splitAll(names);
    } catch (IllegalArgumentException e) {
      throw Lookups.badInput(e.getMessage());
    }
    Map<String, Sized> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT w.s || '.' || w.t, c.oid, coalesce(i.inhparent, 0), pg_get_expr(c.relpartbound, c.oid),
               pg_total_relation_size(c.oid)
        FROM unnest(?::text[], ?::text[]) AS w(s, t)
        JOIN pg_namespace n ON n.nspname = w.s JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.t
        LEFT JOIN pg_inherits i ON i.inhrelid = c.oid""")) {
      ps.setArray(1, c.createArrayOf("text", split[0]));
      ps.setArray(2, c.createArrayOf("text", split[1]));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new Sized(new Relation(rs.getLong(2), rs.getLong(3), rs.getString(4)), rs.getLong(5)));
        }
      }
    }
    return out;
  }

  /** A relation and its total size in bytes. */
  record Sized(Relation relation, long totalBytes) {}

  /** {@code [from, to]} as ISO instants of a range bound expression; null for MINVALUE/MAXVALUE. */
  static String[] bounds(String expr) {
    return PartitionCatalogReader.bounds(expr);
  }

  /** See {@link PartitionCatalogReader#rangeLiterals}; shared by the partition and archive catalogs. */
  static String[] rangeLiterals(String expr) {
    return PartitionCatalogReader.rangeLiterals(expr);
  }

  static String[] split(String table) {
    try {
      return PartitionCatalogReader.split(table);
    } catch (IllegalArgumentException e) {
      throw Lookups.badInput(e.getMessage());
    }
  }
}
