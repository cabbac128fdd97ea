package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Restores the cluster's physical backup plus WAL to a point in time (or LSN, or named restore point) into a scratch
 * instance on the primary's host, verifies recovery stopped at the target, and keeps the instance running for
 * {@code keepFor} so a DBA can copy rows back; then removes it. Never changes the cluster's own data. With
 * {@code into: node} (approval, topology lock) a replica's data directory is replaced by the restore, left paused at
 * the target; with {@code into: inPlace} (two approvers) the primary is, and the cluster goes back to the target.
 */
@WorkflowInterface
public interface PointInTimeRestoreWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.POINT_IN_TIME_RESTORE)
  PointInTimeRestoreResult run(PointInTimeRestoreInput input);

  /** Removes the kept scratch instance now instead of at the end of {@code keepFor}; {@code by} names who. */
  @SignalMethod
  void release(String by);
}
