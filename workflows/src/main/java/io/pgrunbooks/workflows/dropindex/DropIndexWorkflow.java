package io.pgrunbooks.workflows.dropindex;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Drops an index with {@code DROP INDEX CONCURRENTLY} after approval {@value DropIndexWorkflowImpl#STEP}; refuses
 * an index behind a primary key, unique or exclusion constraint, or one a replica's queries use (idx_scan on every
 * node is the evidence).
 */
@WorkflowInterface
public interface DropIndexWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.DROP_INDEX)
  DropIndexResult run(DropIndexInput input);
}
