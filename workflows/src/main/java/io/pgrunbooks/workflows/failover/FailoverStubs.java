package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.FailoverActivities;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflowImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/** Activity stubs of the failover runbooks: central SQL, PgBouncer's agent, and each node's agent. */
public final class FailoverStubs {
  static final RetryOptions RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setMaximumInterval(Duration.ofSeconds(5))
      .setMaximumAttempts(5)
      .setDoNotRetry(FailureTypes.NON_RETRYABLE)
      .build();

  private final Duration agentStartTimeout;
  private final FailoverActivities sql;
  private final PostgresReplicationActivities replication;

  public FailoverStubs(Duration agentStartTimeout) {
    this.agentStartTimeout = agentStartTimeout;
    ActivityOptions central = ActivityOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
        .setStartToCloseTimeout(Duration.ofMinutes(2)).setRetryOptions(RETRY).build();
    ActivityOptions waits = ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(30))
        .setHeartbeatTimeout(Duration.ofSeconds(20)).build();
    sql = Workflow.newActivityStub(FailoverActivities.class, central, Map.of(
        "AwaitReplayedLsn", waits, "AwaitWritablePrimary", waits, "RunDrillProbe", waits));
    replication = Workflow.newActivityStub(PostgresReplicationActivities.class, central, Map.of(
        "AwaitCatchUp", ReplicaRebuildWorkflowImpl.CATCH_UP));
  }

  public FailoverActivities sql() {
    return sql;
  }

  public PostgresReplicationActivities replication() {
    return replication;
  }

  /** The agent of {@code node}; a task it does not pick up within the agent start timeout fails. */
  public FailoverNodeActivities agent(String node) {
    // pg_rewind of a large data directory outlasts the other steps; it heartbeats every 2 s while a command runs,
    // so a dead agent is noticed within the heartbeat timeout (which leaves room for the CHECKPOINT before it).
    ActivityOptions rewind = ActivityOptions.newBuilder(agentOptions(node, Duration.ofHours(6)))
        .setHeartbeatTimeout(Duration.ofMinutes(2)).build();
    return Workflow.newActivityStub(FailoverNodeActivities.class, agentOptions(node, Duration.ofMinutes(10)),
        Map.of("RewindAsStandby", rewind));
  }

  /** Host-local steps of ReplicaRebuild reused here (start a stopped node). */
  public NodeActivities nodeAgent(String node) {
    return Workflow.newActivityStub(NodeActivities.class, agentOptions(node, Duration.ofMinutes(6)));
  }

  public PgBouncerActivities bouncer(String node) {
    return Workflow.newActivityStub(PgBouncerActivities.class, agentOptions(node, Duration.ofMinutes(2)));
  }

  private ActivityOptions agentOptions(String node, Duration startToClose) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.node(node))
        .setScheduleToStartTimeout(agentStartTimeout)
        .setStartToCloseTimeout(startToClose)
        .setRetryOptions(RETRY)
        .build();
  }
}
