package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Read-only daily check of a cluster (seed runbooks RB-1, RB-23): each node's role, replication
 * state and lag, connections, long queries, lock waits, cache hit ratio, database sizes and, through
 * the node agents, data-directory disk use. Judges each node and the cluster healthy, degraded or
 * unhealthy. A node that is down is a finding, never a failed run.
 */
@WorkflowInterface
public interface HealthCheckWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.HEALTH_CHECK)
  HealthCheckResult run(HealthCheckInput input);
}
