package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.common.RunbookInput;
import java.util.List;

/**
 * Input of {@code PartitionMaintenance}: {@code {"cluster": "main", "database": "app"}}.
 *
 * @param cluster configured cluster (required)
 * @param database configured database (required)
 * @param tables {@code schema.name} of configured parents to maintain; null or empty for all configured
 * @param premake how many intervals ahead to keep created instead of each policy's premake (1-120), or null
 * @param parallel activities run at once, each over one connection to the primary and a batch of tables
 *     (1-32), or null for 4
 * @param delegatedApproval set only by a parent PartitionMaintenance for its batch child: the parent's one approval
 *     of the expired set, scoped to this batch's partitions ({@link RetireOnce#item}); ignored (a human decides)
 *     when this run has no such parent or its fresh evidence differs
 * @param evidenceOnly set only by a parent PartitionMaintenance for the first round of its batch children: validate,
 *     plan, create, and count the expired partitions for the parent's one approval instead of retiring them
 */
public record PartitionMaintenanceInput(String cluster, String database, List<String> tables, Integer premake,
                                        boolean dryRun, String requestedBy, String reason, Integer parallel,
                                        DelegatedApproval delegatedApproval, Boolean evidenceOnly)
    implements RunbookInput {

  public PartitionMaintenanceInput(String cluster, String database, List<String> tables, Integer premake,
                                   boolean dryRun, String requestedBy, String reason, Integer parallel) {
    this(cluster, database, tables, premake, dryRun, requestedBy, reason, parallel, null, null);
  }

  /** Whether this run only collects evidence for its parent ({@code evidenceOnly}). */
  public boolean collectsEvidence() {
    return evidenceOnly != null && evidenceOnly;
  }

  public PartitionMaintenanceInput(String cluster, String database, List<String> tables, Integer premake,
                                   boolean dryRun, String requestedBy, String reason) {
    this(cluster, database, tables, premake, dryRun, requestedBy, reason, null);
  }

  public static PartitionMaintenanceInput of(String cluster, String database) {
    return new PartitionMaintenanceInput(cluster, database, null, null, false, null, null);
  }
}
