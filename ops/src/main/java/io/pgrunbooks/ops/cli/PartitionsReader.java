package io.pgrunbooks.ops.cli;

import io.pgrunbooks.catalog.PartitionCatalogReader;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The grid's catalog read: the same {@link PartitionCatalogReader} the partition runbooks use (module
 * {@code catalog}; ops may not use the activities module), so the grid shows the facts the planner sees.
 */
final class PartitionsReader {
  private PartitionsReader() {}

  /** @throws IllegalArgumentException when the table is missing or not RANGE-partitioned on one date/timestamp column */
  static TableFacts read(Connection c, String table, String interval) throws SQLException {
    try {
      return PartitionCatalogReader.facts(c, PartitionCatalogReader.parent(c, table), interval);
    } catch (IllegalArgumentException e) {
      // The grid prefixes the table itself.
      String m = e.getMessage();
      throw new IllegalArgumentException(m.startsWith(table + ": ") ? m.substring(table.length() + 2) : m, e);
    }
  }
}
