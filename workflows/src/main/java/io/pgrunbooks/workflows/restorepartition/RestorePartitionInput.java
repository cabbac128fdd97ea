package io.pgrunbooks.workflows.restorepartition;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code RestorePartition}: either {@code {"cluster": "main", "database": "app", "manifestKey":
 * "pg-runbooks/main/app/public/events/events_2025_01/run-<id>/manifest.json"}} or, since issue 14,
 * {@code {"cluster": "main", "database": "app", "partition": "public.events_2025_01"}} (the newest archive
 * of that partition; {@code archivedAt} picks another).
 *
 * @param manifestKey key of the archive's {@code manifest.json} in the configured bucket and prefix
 * @param targetTable {@code schema.name} to create; default the archived partition's own name
 * @param attach attach the restored table to the original parent with its original bounds (default false)
 * @param partition {@code schema.name} of the archived partition, when no manifestKey is given
 * @param archivedAt with {@code partition}: the archive written at this instant (ISO-8601, as listed by
 *     {@code runbooks archives}); default the newest
 */
public record RestorePartitionInput(String cluster, String database, String manifestKey, String targetTable,
                                    boolean attach, boolean dryRun, String requestedBy, String reason,
                                    String partition, String archivedAt)
    implements RunbookInput {

  public RestorePartitionInput(String cluster, String database, String manifestKey, String targetTable, boolean attach,
                               boolean dryRun, String requestedBy, String reason) {
    this(cluster, database, manifestKey, targetTable, attach, dryRun, requestedBy, reason, null, null);
  }

  public static RestorePartitionInput of(String cluster, String database, String manifestKey) {
    return new RestorePartitionInput(cluster, database, manifestKey, null, false, false, null, null, null, null);
  }

  /** The newest (or the {@code archivedAt}) archive of {@code partition}. */
  public static RestorePartitionInput ofPartition(String cluster, String database, String partition, String archivedAt) {
    return new RestorePartitionInput(cluster, database, null, null, false, false, null, null, partition, archivedAt);
  }
}
