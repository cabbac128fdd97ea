package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Stubs of a node agent's {@link NodeActivities} for the runbooks that replace a node's data directory
 * ({@code ReplicaRebuild}, {@code PointInTimeRestore into: node}).
 */
public final class NodeStubs {
  /** After the stop, a killed agent must have time to come back before its tasks time out unclaimed. */
  public static final Duration AGENT_RETURN_TIMEOUT = Duration.ofMinutes(10);
  static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(10));

  private NodeStubs() {}

  /** Short read-only calls before anything changed: an agent that is not running fails the preflight. */
  public static NodeActivities agent(String node, Duration startTimeout) {
    return Workflow.newActivityStub(NodeActivities.class, ActivityStubs.onNode(node, Duration.ofMinutes(2))
        // An agent that is not running leaves the task unclaimed: fail the preflight, nothing is touched yet.
        .scheduleToStart(startTimeout)
        .retry(RETRY)
        .build());
  }

  /** The steps after the stop: long, heartbeating, and waiting for an agent that was restarted. */
  public static NodeActivities longAgent(String node) {
    return Workflow.newActivityStub(NodeActivities.class, ActivityStubs.onNode(node, Duration.ofHours(6))
        .scheduleToStart(AGENT_RETURN_TIMEOUT)
        // A killed agent is noticed within this, and the copy restarts on the agent that comes back.
        .heartbeat(Duration.ofSeconds(20))
        .retry(RETRY)
        .build());
  }
}
