package io.pgrunbooks.workflows.createindex;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Creates an index with {@code CREATE INDEX CONCURRENTLY} after preflight (catalog-resolved table and columns,
 * no equivalent index, disk headroom for HypoPG's size estimate, low replica lag), evidence (definition, size,
 * statements it helps with HypoPG's cost before/after) and approval {@value CreateIndexWorkflowImpl#STEP}.
 */
@WorkflowInterface
public interface CreateIndexWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.CREATE_INDEX)
  CreateIndexResult run(CreateIndexInput input);
}
