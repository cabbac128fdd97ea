package io.pgrunbooks.workflows.dropindex;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code DropIndex}: {@code {"cluster": "main", "database": "app", "index": "public.orders_note_idx"}}.
 *
 * @param cluster configured cluster (required)
 * @param database database in it (required)
 * @param index {@code schema.name} (required)
 */
public record DropIndexInput(String cluster, String database, String index, boolean dryRun, String requestedBy,
                             String reason) implements RunbookInput {

  public static DropIndexInput of(String cluster, String database, String index) {
    return new DropIndexInput(cluster, database, index, false, null, null);
  }
}
