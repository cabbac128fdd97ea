package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Changes server parameters on every node and makes them live with as little downtime as a switchover: validates
 * the values against {@code pg_settings}, asks one approval with the diff, applies ({@code ALTER SYSTEM} on every
 * node, or {@code PATCH /config} on Patroni), restarts the replicas one at a time (each streams again with its lag
 * under the cluster's {@code rebuild.catchUpLagSeconds} before the next), switches over to a replica and restarts
 * the old primary as a replica, then verifies that no node has a pending restart and every value is live. Reload-only
 * ({@code sighup}) parameters skip the restarts. Each step re-reads the nodes: a node already live is skipped, so a
 * new run after a failure finishes the job. Holds the cluster's topology lock.
 */
@WorkflowInterface
public interface RollingRestartWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.ROLLING_RESTART)
  RollingRestartResult run(RollingRestartInput input);
}
