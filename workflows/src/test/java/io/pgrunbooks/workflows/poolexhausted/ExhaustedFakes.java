package io.pgrunbooks.workflows.poolexhausted;

import io.pgrunbooks.workflows.activities.PgBouncerStatsActivities;
import io.pgrunbooks.workflows.activities.SessionActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.poolresize.PoolFakes;
import io.pgrunbooks.workflows.poolresize.PoolResizeWorkflowImpl;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.terminatesessions.SessionFakes;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflowImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An exhausted pool 'app' (pool_size 20, 7 clients waiting) in front of database app, with SessionFakes' two idle in
 * transaction holders; ending a holder frees a waiting client, a resize lets every waiting client in. The PgBouncer
 * config (headroom) is PoolFakes' on pg1.
 */
public final class ExhaustedFakes implements SessionActivities, PgBouncerStatsActivities {
  public static final String ID = WorkflowIds.poolExhausted("main");
  public static final String TERMINATE_CHILD = WorkflowIds.terminateSessions("main") + PoolExhaustedWorkflowImpl.CHILD_SUFFIX;
  public static final String RESIZE_CHILD = WorkflowIds.poolResize("main", "app") + PoolExhaustedWorkflowImpl.CHILD_SUFFIX;

  public volatile List<Session> sessions = new CopyOnWriteArrayList<>(List.of(SessionFakes.BLOCKER, SessionFakes.IDLER));
  /** Sessions that appear only for finds after the parent's approval (the child's own evidence). */
  public volatile List<Session> lateSessions = List.of();
  public volatile int waiting = 7;
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final FixedApprovals approvals = new FixedApprovals();
  public final PoolFakes bouncer = new PoolFakes();

  @Override
  public List<Session> findSessions(Criteria c) {
    calls.add("find " + c);
    List<Session> all = new ArrayList<>(sessions);
    if (c.limit() != 200 && c.idleInTransactionSeconds() != null) {
      all.addAll(lateSessions);
    }
    return all.stream()
        .filter(s -> c.runningSeconds() == null || "active".equals(s.state()))
        .filter(s -> c.idleInTransactionSeconds() == null || (s.state().startsWith("idle in transaction")
            && s.stateSeconds() >= c.idleInTransactionSeconds()))
        .limit(c.limit()).toList();
  }

  @Override
  public Outcome signalSession(Signal signal) {
    calls.add(signal.action() + " " + signal.pid() + "@" + signal.backendStartMicros());
    if (signal.action() == Action.CANCEL) {
      return Outcome.CANCELLED;
    }
    sessions.removeIf(s -> s.pid() == signal.pid());
    waiting = Math.max(0, waiting - 1);
    return Outcome.TERMINATED;
  }

  @Override
  public ConnectionBudget connectionBudget(String cluster) {
    return new ConnectionBudget("pg1", "pg1", "10.0.0.1", 5432, 100, 3, 10);
  }

  @Override
  public List<PoolStats> bouncerPoolStats(String cluster) {
    int w = bouncer.resizes.isEmpty() ? waiting : 0;
    return List.of(new PoolStats("app", "app", 20, 20, w, 20, 0, 0, w == 0 ? 0 : 45_000),
        new PoolStats("reports", "reports", 30, 2, 0, 2, 3, 0, 0));
  }

  /** The signals sent to sessions. */
  public List<String> signals() {
    return calls.stream().filter(c -> !c.startsWith("find")).toList();
  }

  /** Registers the three runbooks (parent and children) and the fakes, starts the environment. */
  public PoolExhaustedWorkflow start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(PoolExhaustedWorkflowImpl.class, TerminateSessionsWorkflowImpl.class,
        PoolResizeWorkflowImpl.class);
    central.registerActivitiesImplementations(this, approvals, new DroppedNotifications(), new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(bouncer);
    env.start();
    return env.getWorkflowClient().newWorkflowStub(PoolExhaustedWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
  }

  public static PoolExhaustedInput input(String database, boolean dryRun) {
    return new PoolExhaustedInput("main", database, null, null, dryRun, "alice", "429s from the API");
  }
}
