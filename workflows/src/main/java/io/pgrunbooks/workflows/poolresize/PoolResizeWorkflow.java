package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Resizes one PgBouncer pool (seed runbook RB-7): headroom on the primary, evidence, approval, the agent of the
 * PgBouncer host rewrites the entry, RELOAD, SHOW DATABASES; {@code revertAfter} restores the old size on a durable
 * timer.
 */
@WorkflowInterface
public interface PoolResizeWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.POOL_RESIZE)
  PoolResizeResult run(PoolResizeInput input);
}
