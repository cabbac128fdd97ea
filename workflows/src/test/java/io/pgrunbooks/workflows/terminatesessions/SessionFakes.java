package io.pgrunbooks.workflows.terminatesessions;

import io.pgrunbooks.workflows.activities.SessionActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Sessions of a pretend primary for {@code TerminateSessions}: what is found, what each signal answers, what was sent. */
public final class SessionFakes implements SessionActivities {
  public static final String ID = WorkflowIds.terminateSessions("main");
  public static final Session BLOCKER = new Session(4242, 1_700_000_000_000_001L, "2026-12-06T03:00:00.000001Z", "app",
      "app_rw", "billing", "10.0.0.7/32", "idle in transaction", "UPDATE invoices SET paid = true WHERE id = 7", 900,
      905, 3, 600);
  public static final Session IDLER = new Session(4343, 1_700_000_000_000_002L, "2026-12-06T03:01:00.000002Z", "app",
      "app_rw", "reports", "10.0.0.8/32", "idle in transaction", "SELECT 1", 700, 700, 0, 0);

  public volatile List<Session> sessions = List.of(BLOCKER, IDLER);
  /** Answer per "pid ACTION"; CANCELLED for a cancel and TERMINATED for a terminate when absent. */
  public final Map<String, Outcome> answers = new HashMap<>();
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final FixedApprovals approvals = new FixedApprovals();

  @Override
  public List<Session> findSessions(Criteria criteria) {
    calls.add("find " + criteria);
    return sessions.stream().limit(criteria.limit()).toList();
  }

  /** What {@link #connectionBudget} answers: PgBouncer on pg1, primary pg1 at 10.0.0.1:5432, 100 - 3 - 10. */
  public volatile ConnectionBudget budget = new ConnectionBudget("pg1", "pg1", "10.0.0.1", 5432, 100, 3, 10);

  @Override
  public ConnectionBudget connectionBudget(String cluster) {
    calls.add("budget " + cluster);
    return budget;
  }

  @Override
  public Outcome signalSession(Signal signal) {
    calls.add(signal.action() + " " + signal.pid() + "@" + signal.backendStartMicros());
    return answers.getOrDefault(signal.pid() + " " + signal.action(),
        signal.action() == Action.CANCEL ? Outcome.CANCELLED : Outcome.TERMINATED);
  }

  /** The signals sent, without the finds. */
  public List<String> signals() {
    return calls.stream().filter(c -> !c.startsWith("find")).toList();
  }

  /** Registers the runbook and the fakes on the central queue, starts the environment, returns a new run's stub. */
  public TerminateSessionsWorkflow start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(TerminateSessionsWorkflowImpl.class);
    central.registerActivitiesImplementations(this, approvals, new DroppedNotifications(), new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    return client.newWorkflowStub(TerminateSessionsWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
  }

  /** Idle in transaction for 10 minutes in database app, default limits. */
  public static TerminateSessionsInput idleInput(boolean dryRun) {
    return new TerminateSessionsInput("main", "app", "10m", null, null, null, null, null, null, null, dryRun,
        "alice", "morning cleanup");
  }
}
