package io.pgrunbooks.workflows.terminatesessions;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Ends stuck client sessions (seed runbooks RB-5/RB-6 "kill blockers", the idle-session cleanup): select by
 * criteria, show the evidence, approval, {@code pg_cancel_backend} then {@code pg_terminate_backend}, each bound
 * to (pid, backend_start) and re-checked against the criteria when sent.
 */
@WorkflowInterface
public interface TerminateSessionsWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.TERMINATE_SESSIONS)
  TerminateSessionsResult run(TerminateSessionsInput input);
}
