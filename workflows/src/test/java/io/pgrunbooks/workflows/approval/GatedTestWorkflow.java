package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Test-only runbook with one destructive step: detach a partition, ask approval to drop it, then
 * drop it, or re-attach it when the drop is rejected or times out.
 */
@WorkflowInterface
public interface GatedTestWorkflow extends Runbook {
  @WorkflowMethod(name = "GatedTest")
  RunReport run(GatedTestInput input);
}
