package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.FailoverActivities;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflowImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/** Activity stubs of the failover runbooks: central SQL, PgBouncer's agent, and each node's agent. */
public final class FailoverStubs {
  static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(5));

  private final Duration agentStartTimeout;
  private final FailoverActivities sql;
  private final PostgresReplicationActivities replication;
  private final PatroniActivities patroni;

  public FailoverStubs(Duration agentStartTimeout) {
    this.agentStartTimeout = agentStartTimeout;
    ActivityOptions central = ActivityStubs.central(Duration.ofMinutes(2)).retry(RETRY).build();
    // Overrides keep the stub's queue and retry policy; only the time limits differ.
    ActivityOptions waits = ActivityStubs.override(Duration.ofMinutes(30)).heartbeat(Duration.ofSeconds(20)).build();
    sql = Workflow.newActivityStub(FailoverActivities.class, central, Map.of(
        "AwaitReplayedLsn", waits, "AwaitWritablePrimary", waits, "RunDrillProbe", waits));
    replication = Workflow.newActivityStub(PostgresReplicationActivities.class, central, Map.of(
        "AwaitCatchUp", ReplicaRebuildWorkflowImpl.CATCH_UP));
    // One POST /switchover only: a retry after a lost answer would be refused by the switchover it started; the
    // outcome is judged from GET /cluster either way.
    // SwitchoverAndWatch POSTs too; it polls within the promote timeout and heartbeats every poll.
    RetryOptions once = ActivityStubs.retry(1, Duration.ofSeconds(1), Duration.ofSeconds(1));
    patroni = Workflow.newActivityStub(PatroniActivities.class, central, Map.of(
        "Switchover", ActivityStubs.override(Duration.ofMinutes(1)).retry(once).build(),
        "SwitchoverAndWatch", ActivityStubs.override(Duration.ofMinutes(30)).retry(once)
            .heartbeat(Duration.ofSeconds(20)).build()));
  }

  /** Patroni's REST API of clusters with {@code topology: patroni}. */
  public PatroniActivities patroni() {
    return patroni;
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
    ActivityOptions rewind = agentStub(node, Duration.ofHours(6)).heartbeat(Duration.ofMinutes(2)).build();
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
    return agentStub(node, startToClose).build();
  }

  private ActivityStubs.Options agentStub(String node, Duration startToClose) {
    return ActivityStubs.onNode(node, startToClose).scheduleToStart(agentStartTimeout).retry(RETRY);
  }
}
