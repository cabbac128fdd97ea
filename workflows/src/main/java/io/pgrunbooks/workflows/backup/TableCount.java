package io.pgrunbooks.workflows.backup;

/**
 * Rows of one table.
 *
 * @param exact false for the planner's estimate (beyond {@code backup.exactCountMaxTables}); not compared
 */
public record TableCount(String schema, String table, long rows, boolean exact) {
  public String qualified() {
    return schema + "." + table;
  }
}
