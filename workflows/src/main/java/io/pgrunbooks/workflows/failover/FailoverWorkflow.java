package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Manual failover (seed runbook RB-2): facts and the possible data loss, two approvals of that figure, then either a
 * zero-loss switchover (PgBouncer PAUSE, clean stop, replay of the final LSN) when the old primary answers, or fence
 * and promote when it does not; PgBouncer is repointed and resumed, other replicas follow the new primary. A failure
 * after the PAUSE leaves exactly one writable primary behind a resumed PgBouncer. Never switches back by itself.
 */
@WorkflowInterface
public interface FailoverWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.FAILOVER)
  FailoverResult run(FailoverInput input);
}
