package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code ArchivePartition}: {@code {"cluster": "main", "database": "app", "partition":
 * "public.agent_routing_metrics_2025_06"}}.
 *
 * @param partition the partition as {@code schema.name} (required)
 * @param drop drop the partition after the archive verified and the drop was approved (default true);
 *     false archives and re-attaches it
 * @param force archive a partition that has not expired yet; needs a {@code reason}, and never
 *     reaches inside the parent's {@code minRetention}, the current or a future partition
 * @param deepVerify stream the object back and re-hash it (default true); false checks size and checksum only
 *     and then never drops: the partition is archived and attached again (a size check is no proof to drop on)
 * @param delegatedApproval set by a parent PartitionMaintenance whose one approval of the expired set covers this
 *     partition's drop (scope item {@link #scopeItem}); the drop goes ahead on it only when the verified archive holds
 *     exactly the approved rows and hash, else this run asks its own approval. Null when started by hand
 */
public record ArchivePartitionInput(String cluster, String database, String partition, Boolean drop,
                                    boolean force, Boolean deepVerify, boolean dryRun, String requestedBy,
                                    String reason, DelegatedApproval delegatedApproval) implements RunbookInput {

  public ArchivePartitionInput(String cluster, String database, String partition, Boolean drop, boolean force,
                               Boolean deepVerify, boolean dryRun, String requestedBy, String reason) {
    this(cluster, database, partition, drop, force, deepVerify, dryRun, requestedBy, reason, null);
  }

  /**
   * The line a delegation's scope holds for dropping {@code partition} ({@code schema.name}) with exactly {@code rows}
   * rows whose canonical CSV hashes to {@code sha256}: what the parent's approval showed and the export proves.
   */
  public static String scopeItem(String partition, long rows, String sha256) {
    return "drop " + partition + " rows=" + rows + " csv-sha256=" + sha256;
  }

  public static ArchivePartitionInput of(String cluster, String database, String partition) {
    return new ArchivePartitionInput(cluster, database, partition, null, false, null, false, null, null);
  }

  public boolean dropEnabled() {
    return drop == null || drop;
  }

  public boolean deepVerifyEnabled() {
    return deepVerify == null || deepVerify;
  }
}
