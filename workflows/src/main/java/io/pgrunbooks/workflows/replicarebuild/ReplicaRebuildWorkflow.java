package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Rebuilds a failed or lagging read replica from the current primary (seed runbook RB-3): preflight,
 * approval, then on the node's own agent stop, move the data dir aside, re-create the slot on the primary,
 * {@code pg_basebackup}, start, and wait until it streams and has caught up. Never touches the node that is
 * primary at the moment of the stop; holds the cluster's topology lock. A failure after the stop leaves the
 * old data dir in place and offers, as an approval, to put it back.
 */
@WorkflowInterface
public interface ReplicaRebuildWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.REPLICA_REBUILD)
  ReplicaRebuildResult run(ReplicaRebuildInput input);
}
