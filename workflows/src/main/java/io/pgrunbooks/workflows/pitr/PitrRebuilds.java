package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.approval.Delegation;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflowImpl;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workflow code of {@code into: inPlace} after the restored primary is verified: one child {@code ReplicaRebuild} per
 * replica, one after another, each carrying the inPlace approval as a {@link DelegatedApproval} whose scope is
 * {@link PitrRules#rebuildScope}. The parent still holds the topology lock; a child of the holder shares it. A child
 * that fails or is not approved leaves its replica for a rebuild by hand; the restored primary stays.
 */
final class PitrRebuilds {
  private PitrRebuilds() {}

  /** Rebuilds {@code replicas}; returns the summary's end naming what was rebuilt and what was not. */
  static String rebuild(RunRecorder run, String cluster, List<String> replicas, ApprovalOutcome approval,
                        String requestedBy) {
    WorkflowInfo info = Workflow.getInfo();
    List<String> scope = PitrRules.rebuildScope(cluster, replicas);
    DelegatedApproval delegated = new DelegatedApproval(info.getWorkflowId(), info.getRunId(),
        WorkflowTypes.POINT_IN_TIME_RESTORE, approval.requestId(), ReplicaRebuildWorkflowImpl.STEP, scope,
        Delegation.digest(ReplicaRebuildWorkflowImpl.STEP, scope), approval.approvedBy());
    String why = "PointInTimeRestore " + info.getWorkflowId() + ": " + cluster + " was taken back in place; the replica"
        + " is on the lost timeline";
    List<String> rebuilt = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (String replica : replicas) {
      String childId = PitrRules.rebuildChildId(cluster, replica);
      ReplicaRebuildWorkflow child = Workflow.newChildWorkflowStub(ReplicaRebuildWorkflow.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
      try {
        ReplicaRebuildResult r = run.step("rebuild " + replica, () -> child.run(new ReplicaRebuildInput(cluster,
            replica, false, requestedBy, why, delegated)), x -> x.report().outcome() + ": " + x.report().summary());
        if (r.report().outcome() == RunbookState.COMPLETED) {
          rebuilt.add(replica);
          run.change("rebuilt " + replica + " from the restored primary (child " + childId + ")");
        } else {
          failed.put(replica, "child " + childId + " " + r.report().outcome() + ": " + r.report().summary());
        }
      } catch (RuntimeException e) {
        if (CancellationScope.current().isCancelRequested()) {
          throw e; // the run itself is being cancelled: no further children
        }
        // The primary is restored and verified; a rebuild that failed is reported, never a reason to undo that.
        failed.put(replica, "child " + childId + " failed: " + Failures.describe(e));
      }
    }
    return PitrRules.rebuildOutcome(cluster, rebuilt, failed);
  }
}
