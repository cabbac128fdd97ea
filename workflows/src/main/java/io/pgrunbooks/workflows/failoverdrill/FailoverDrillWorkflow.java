package io.pgrunbooks.workflows.failoverdrill;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The monthly failover test (seed runbook RB-4), meant for a Temporal Schedule: preflight, approval asked at once and
 * due by the drill window (else SKIPPED, nothing touched), then a zero-loss switchover proven by sentinel rows and a
 * 100 ms write probe through PgBouncer, the old primary rejoined with pg_rewind (ReplicaRebuild if that fails), the
 * same again to switch back, and a report of every RB-4 criterion stored next to the backups.
 */
@WorkflowInterface
public interface FailoverDrillWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.FAILOVER_DRILL)
  FailoverDrillResult run(FailoverDrillInput input);
}
