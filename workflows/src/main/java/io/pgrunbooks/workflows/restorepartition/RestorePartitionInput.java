package io.pgrunbooks.workflows.restorepartition;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code RestorePartition}: {@code {"cluster": "main", "database": "app", "manifestKey":
 * "pg-runbooks/main/app/public/events/events_2025_01/manifest.json"}}.
 *
 * @param manifestKey key of the archive's {@code manifest.json} in the configured bucket (required)
 * @param targetTable {@code schema.name} to create; default the archived partition's own name
 * @param attach attach the restored table to the original parent with its original bounds (default false)
 */
public record RestorePartitionInput(String cluster, String database, String manifestKey, String targetTable,
                                    boolean attach, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {

  public static RestorePartitionInput of(String cluster, String database, String manifestKey) {
    return new RestorePartitionInput(cluster, database, manifestKey, null, false, false, null, null);
  }
}
