package io.pgrunbooks.workflows.reindex;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code Reindex}: {@code {"cluster": "main", "database": "app", "index": "public.orders_note_idx"}} or
 * {@code {"cluster": "main", "database": "app", "table": "public.orders"}}.
 *
 * @param index {@code schema.name}; required unless {@code table} is given
 * @param table {@code schema.name}: every index of the table
 * @param force rebuild even when no index is INVALID or bloated (default false)
 */
public record ReindexInput(String cluster, String database, String index, String table, Boolean force,
                           boolean dryRun, String requestedBy, String reason) implements RunbookInput {

  public static ReindexInput ofIndex(String cluster, String database, String index) {
    return new ReindexInput(cluster, database, index, null, null, false, null, null);
  }

  public boolean forced() {
    return Boolean.TRUE.equals(force);
  }
}
