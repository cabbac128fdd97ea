package io.pgrunbooks.workflows.approval;

import java.util.ArrayList;
import java.util.List;

/**
 * An approval given on a parent run, handed to the child run that carries it out (PoolExhausted to TerminateSessions
 * and PoolResize; PointInTimeRestore {@code into: inPlace} to ReplicaRebuild). It is a claim, not a permission: the
 * child's gate accepts it only after {@link Delegation} checked it against what Temporal says about the child's parent
 * and against the child's own fresh evidence.
 *
 * @param parentWorkflowId the workflow id of the parent run that was approved
 * @param parentRunId its run id
 * @param parentRunbook the parent's workflow type; only types in {@link Delegation#DELEGATORS} may delegate
 * @param requestId the parent's approval request ("relieve-pool-1")
 * @param step the child's approval step this covers ("terminate-sessions", "resize-pool")
 * @param scope what the child may act on, one item per line, in the child's own words (for TerminateSessions
 *     {@code pid@backendStartMicros}; for PoolResize {@code entry pool_size=N reserve_pool=... revertAfter=Ns}; for
 *     ReplicaRebuild {@code ReplicaRebuild <cluster>/<replica>})
 * @param planDigest {@link Delegation#digest} of step and scope: the parent's approval was bound to it
 * @param approvedBy who approved the parent's plan, named in the child's report
 */
public record DelegatedApproval(String parentWorkflowId, String parentRunId, String parentRunbook, String requestId,
                                String step, List<String> scope, String planDigest, List<String> approvedBy) {
  public DelegatedApproval {
    scope = scope == null ? List.of() : List.copyOf(new ArrayList<>(scope));
    approvedBy = approvedBy == null ? List.of() : List.copyOf(new ArrayList<>(approvedBy));
  }
}
