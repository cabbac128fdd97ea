package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Read-only daily check of a cluster (seed runbooks RB-1, RB-23): each node's role, replication
 * state and lag, connections, long queries, lock waits, cache hit ratio, database sizes and, through
 * the node agents, data-directory disk use; the morning page (issues 16, 18): sessions idle in
 * transaction, blocking chains, the oldest transaction, xid age and the oldest tables, replication
 * slots, pg_wal against its volume, the WAL archiver, INVALID and bloated indexes, PgBouncer pools,
 * time since the newest backup and the last verification. Judges each node and the cluster healthy,
 * degraded or unhealthy; degraded or unhealthy ends with a {@code findings} notification (warning or
 * critical). A node that is down is a finding, never a failed run.
 */
@WorkflowInterface
public interface HealthCheckWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.HEALTH_CHECK)
  HealthCheckResult run(HealthCheckInput input);
}
