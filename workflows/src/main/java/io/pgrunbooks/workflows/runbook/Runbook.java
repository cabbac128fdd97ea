package io.pgrunbooks.workflows.runbook;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.approval.Decision;
import io.pgrunbooks.workflows.approval.DecisionResult;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.lock.LockResponse;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;

/**
 * Messages every runbook accepts (DESIGN.md section 4); each runbook's workflow interface extends
 * this and each implementation extends {@code RunbookWorkflowBase}, which handles them.
 */
public interface Runbook {
  /** Current state, steps so far and pending approvals. */
  @QueryMethod(name = "progress")
  Progress progress();

  /** Approve a pending request. Invalid signals are ignored and recorded in the run's log. */
  @SignalMethod(name = "approve")
  void approve(ApprovalSignal signal);

  /** Reject a pending request. Invalid signals are ignored and recorded in the run's log. */
  @SignalMethod(name = "reject")
  void reject(ApprovalSignal signal);

  /** Approve or reject with validation: the caller gets the reason when the vote is refused. */
  @UpdateMethod(name = "decide")
  DecisionResult decide(Decision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecide(Decision decision);

  /** Answer of the cluster's topology lock workflow to this run's request (internal). */
  @SignalMethod(name = "lockResponse")
  void lockResponse(LockResponse response);
}
