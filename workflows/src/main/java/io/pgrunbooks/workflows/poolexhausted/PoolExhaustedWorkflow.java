package io.pgrunbooks.workflows.poolexhausted;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Seed runbook RB-21 "connection pool exhausted": diagnose one PgBouncer pool (waiting clients, longest wait, server
 * connections by state, idle-in-transaction holders, long runners), propose one relief with its numbers (end the
 * holders, or a temporary bigger pool), ONE approval, then act through a child {@code TerminateSessions} or
 * {@code PoolResize} that carries the approval ({@link io.pgrunbooks.workflows.approval.DelegatedApproval}), and
 * check that {@code cl_waiting} fell: before/after in the report.
 */
@WorkflowInterface
public interface PoolExhaustedWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.POOL_EXHAUSTED)
  PoolExhaustedResult run(PoolExhaustedInput input);
}
