package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code ReplicaRebuild}: {@code {"cluster": "main", "replica": "pg2"}}.
 *
 * @param cluster configured cluster name (required)
 * @param replica configured node to rebuild (required); refused when it is the primary
 * @param delegatedApproval set by a parent runbook (PointInTimeRestore {@code into: inPlace}) whose approval covers
 *     this rebuild; counts only when this run really is that parent's child and {@link #scopeItem} of its cluster and
 *     replica is in the approved scope, else this run asks its own approval as usual
 */
public record ReplicaRebuildInput(String cluster, String replica, boolean dryRun, String requestedBy, String reason,
                                  DelegatedApproval delegatedApproval) implements RunbookInput {

  /** An input without a delegated approval (every run not started by a parent runbook). */
  public ReplicaRebuildInput(String cluster, String replica, boolean dryRun, String requestedBy, String reason) {
    this(cluster, replica, dryRun, requestedBy, reason, null);
  }

  public static ReplicaRebuildInput of(String cluster, String replica) {
    return new ReplicaRebuildInput(cluster, replica, false, null, null);
  }

  /** The line a delegation's scope must hold for this rebuild: {@code ReplicaRebuild main/pg2}. */
  public static String scopeItem(String cluster, String replica) {
    return "ReplicaRebuild " + cluster + "/" + replica;
  }
}
