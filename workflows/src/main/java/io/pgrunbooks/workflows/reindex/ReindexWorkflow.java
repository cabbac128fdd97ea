package io.pgrunbooks.workflows.reindex;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Rebuilds an INVALID or bloated index, or a table's indexes, with {@code REINDEX ... CONCURRENTLY} after the
 * disk headroom check, cleanup of {@code _ccnew} leftovers and approval {@value ReindexWorkflowImpl#STEP}.
 */
@WorkflowInterface
public interface ReindexWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.REINDEX)
  ReindexResult run(ReindexInput input);
}
