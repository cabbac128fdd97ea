package io.pgrunbooks.workflows.repack;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Rewrites one bloated table online with pg_repack after the key and disk headroom checks and approval
 * {@value RepackWorkflowImpl#STEP}; a failed or killed repack's {@code repack.*} objects are dropped.
 */
@WorkflowInterface
public interface RepackWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.REPACK)
  RepackResult run(RepackInput input);
}
