package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code ReplicaRebuild}: {@code {"cluster": "main", "replica": "pg2"}}.
 *
 * @param cluster configured cluster name (required)
 * @param replica configured node to rebuild (required); refused when it is the primary
 */
public record ReplicaRebuildInput(String cluster, String replica, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {

  public static ReplicaRebuildInput of(String cluster, String replica) {
    return new ReplicaRebuildInput(cluster, replica, false, null, null);
  }
}
