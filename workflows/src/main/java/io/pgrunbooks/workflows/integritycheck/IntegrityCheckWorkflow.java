package io.pgrunbooks.workflows.integritycheck;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Read-only integrity check of a database: amcheck on a replica by default, checksum failures on every node;
 * any corruption ends the run with a critical findings notification.
 */
@WorkflowInterface
public interface IntegrityCheckWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.INTEGRITY_CHECK)
  IntegrityCheckResult run(IntegrityCheckInput input);
}
