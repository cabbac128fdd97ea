package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.catalog.PartitionCatalogReader;
import io.pgrunbooks.catalog.PartitionCatalogReader.Parent;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

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
