package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillInput;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflow;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflowImpl;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Recorded paths of {@code Failover} and {@code FailoverDrill} for the replay registry. */
public final class FailoverPaths {
  private static final String ID = "failover:main";
  private static final String DRILL_ID = "failover-drill:main";

  private FailoverPaths() {}

  public static String switchover(TestWorkflowEnvironment env) {
    FailoverWorkflow run = start(env, new FailoverFakes());
    approveTwice(run);
    return finished(env, ID);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    FailoverWorkflow run = start(env, new FailoverFakes());
    awaitPending(run);
    run.reject(new ApprovalSignal(null, "bob", "not now", null));
    return finished(env, ID);
  }

  public static String compensated(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    fakes.failOn = "promote pg2";
    fakes.afterPromote = FailoverFakes.facts(FailoverFakes.down("pg1"), FailoverFakes.down("pg2"),
        FailoverFakes.replica("pg3", 5000, null));
    FailoverWorkflow run = start(env, fakes);
    approveTwice(run);
    return finished(env, ID);
  }

  /** The old primary's agent answers that PostgreSQL still runs after the fence: refused, compensated. */
  public static String fenceRefused(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    fakes.facts = List.of(FailoverFakes.facts(FailoverFakes.down("pg1"), FailoverFakes.replica("pg2", 4000, null),
        FailoverFakes.replica("pg3", 4000, null)));
    fakes.fenceConfirms = false;
    FailoverWorkflow run = start(env, fakes);
    approveTwice(run);
    return finished(env, ID);
  }

  /** The promote fails and the candidate still reports in recovery: it is fenced before pg1 restarts. */
  public static String candidateFenced(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    fakes.failOn = "promote pg2";
    fakes.afterPromote = FailoverFakes.facts(FailoverFakes.down("pg1"), FailoverFakes.replica("pg2", 5000, "streaming"),
        FailoverFakes.replica("pg3", 5000, null));
    FailoverWorkflow run = start(env, fakes);
    approveTwice(run);
    return finished(env, ID);
  }

  /** Patroni killed on pg1 and pg2 promoted by Patroni: pg1 fenced by its agent after approval, PgBouncer repointed. */
  public static String patroniFenced(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    PatroniFailoverFakes patroni = new PatroniFailoverFakes(fakes.calls);
    patroni.views = List.of(PatroniFailoverFakes.twoWritable(), PatroniFailoverFakes.twoWritable(),
        PatroniFailoverFakes.fenced());
    fakes.scriptedPatroni = patroni;
    return approvedOnPatroni(env, fakes);
  }

  /** Cancelled while waiting for the final LSN: the compensation still runs, in a detached scope. */
  public static String cancelled(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    fakes.facts = List.of(FailoverFakes.switchoverFacts(), FailoverFakes.switchoverFacts(), FailoverFakes.facts(
        FailoverFakes.down("pg1"), FailoverFakes.replica("pg2", 5000, "streaming"),
        FailoverFakes.replica("pg3", 5000, "streaming")));
    fakes.holdReplay = new CountDownLatch(1);
    FailoverWorkflow run = start(env, fakes);
    approveTwice(run);
    TestEnvironments.awaitTrue(() -> fakes.calls.contains("awaitReplayed pg2"), "the run waits for the final LSN");
    WorkflowStub.fromTyped(run).cancel();
    try {
      return finished(env, ID);
    } catch (io.temporal.client.WorkflowException expected) {
      return ID; // cancelled on purpose
    } finally {
      fakes.holdReplay.countDown();
    }
  }

  /** topology patroni: POST /switchover, judged from GET /cluster and a write, repoint, RESUME, rejoin seen. */
  public static String patroniSwitchover(TestWorkflowEnvironment env) {
    return approvedOnPatroni(env, new FailoverFakes());
  }

  /** topology patroni: Patroni answers 503 and never switches over; PgBouncer is resumed on the old leader. */
  public static String patroniTimedOut(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    fakes.patroni.answerStatus = 503;
    fakes.patroni.ignore = true;
    return approvedOnPatroni(env, fakes);
  }

  private static String approvedOnPatroni(TestWorkflowEnvironment env, FailoverFakes fakes) {
    fakes.topology = "patroni";
    approveTwice(start(env, fakes));
    return finished(env, ID);
  }

  /** topology patroni: switchover and switch back through Patroni, no pg_rewind. */
  public static String drillPassedOnPatroni(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    fakes.topology = "patroni";
    return drillPassed(env, fakes);
  }

  public static String drillPassed(TestWorkflowEnvironment env) {
    return drillPassed(env, new FailoverFakes());
  }

  private static String drillPassed(TestWorkflowEnvironment env, FailoverFakes fakes) {
    fakes.approvals.approvalsNeeded = 1;
    FailoverDrillWorkflow run = drill(env, fakes);
    WorkflowClient.execute(run::run, FailoverDrillInput.of("main")).exceptionally(e -> null);
    awaitPending(run);
    run.approve(new ApprovalSignal(null, "alice", "go", null));
    return finished(env, DRILL_ID);
  }

  public static String drillSkipped(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    fakes.approvals.approvalsNeeded = 1;
    fakes.windowSeconds = 3600;
    drill(env, fakes).run(FailoverDrillInput.of("main"));
    return DRILL_ID;
  }

  /** A drill whose window opens in 30 days: refused at once (getVersion drill-window-bounded), nothing touched. */
  public static String drillWindowTooFar(TestWorkflowEnvironment env) {
    FailoverFakes fakes = new FailoverFakes();
    try {
      drill(env, fakes).run(new FailoverDrillInput("main", null, null, "P30D", "olivia", null, false));
    } catch (io.temporal.client.WorkflowFailedException expected) {
      // refused on purpose
    }
    return DRILL_ID;
  }

  private static String finished(TestWorkflowEnvironment env, String id) {
    try {
      Class<?> type = id.equals(ID) ? FailoverResult.class : FailoverDrillResult.class;
      env.getWorkflowClient().newUntypedWorkflowStub(id).getResult(type);
    } catch (io.temporal.client.WorkflowFailedException expected) {
      // the compensated path ends FAILED on purpose
    }
    return id;
  }

  private static FailoverWorkflow start(TestWorkflowEnvironment env, FailoverFakes fakes) {
    fakes.register(env, FailoverWorkflowImpl.class);
    FailoverWorkflow run = env.getWorkflowClient().newWorkflowStub(FailoverWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
    WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "replay")).exceptionally(e -> null);
    return run;
  }

  private static FailoverDrillWorkflow drill(TestWorkflowEnvironment env, FailoverFakes fakes) {
    fakes.register(env, FailoverDrillWorkflowImpl.class);
    return env.getWorkflowClient().newWorkflowStub(FailoverDrillWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(DRILL_ID).build());
  }

  private static void awaitPending(io.pgrunbooks.workflows.runbook.Runbook run) {
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(), "an approval is pending");
  }

  private static void approveTwice(FailoverWorkflow run) {
    awaitPending(run);
    String id = run.progress().pendingApprovals().get(0).requestId();
    run.approve(new ApprovalSignal(id, "alice", "go", null));
    run.approve(new ApprovalSignal(id, "bob", "go", null));
  }
}
