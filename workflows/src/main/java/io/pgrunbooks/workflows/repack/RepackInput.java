package io.pgrunbooks.workflows.repack;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code Repack}: {@code {"cluster": "main", "database": "app", "table": "public.orders"}}; all three are
 * required.
 *
 * @param table {@code schema.name}
 */
public record RepackInput(String cluster, String database, String table, boolean dryRun, String requestedBy,
                          String reason) implements RunbookInput {

  public static RepackInput of(String cluster, String database, String table) {
    return new RepackInput(cluster, database, table, false, null, null);
  }
}
