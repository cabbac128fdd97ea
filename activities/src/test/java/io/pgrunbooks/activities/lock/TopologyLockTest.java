package io.pgrunbooks.activities.lock;

import static io.pgrunbooks.workflows.replay.TestEnvironments.awaitTrue;

import io.pgrunbooks.workflows.lock.LockTestRuns;
import io.pgrunbooks.workflows.replay.TestEnvironments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.lock.LockTestRuns.HoldingRun;
import io.pgrunbooks.workflows.lock.LockTestRuns.ParentRun;
import io.pgrunbooks.workflows.lock.LockTestRuns.RunInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.LockEvent;
import io.pgrunbooks.workflows.lock.LockHolder;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflow;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.pgrunbooks.workflows.lock.LockActivityInput;
import io.temporal.activity.Activity;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-cluster topology lock (DESIGN.md invariant 4) end to end in the test server, with the real activities. */
class TopologyLockTest {
  private static final String CLUSTER = "main";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FlakyLockActivities lockActivities;

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(TopologyLockWorkflowImpl.class, LockTestRuns.HoldingRunImpl.class,
        LockTestRuns.ParentRunImpl.class);
    worker.registerActivitiesImplementations(lockActivities = new FlakyLockActivities(client));
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void secondRunIsRefusedNamingTheHolder() {
    HoldingRun rebuild = startHolding("replica-rebuild:main:pg2", "ReplicaRebuild");

    HoldingRun failover = holdingRun("failover:main");
    assertThatThrownBy(() -> failover.run(RunInput.brief(CLUSTER, "Failover")))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> {
          ApplicationFailure cause = applicationFailure(e);
          assertThat(cause.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(cause.isNonRetryable()).isTrue();
          assertThat(cause.getOriginalMessage()).matches("cluster main is locked by ReplicaRebuild run "
              + "replica-rebuild:main:pg2 since \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z: Failover refused");
        });

    LockHolder holder = lock(CLUSTER).holder();
    assertThat(holder.workflowId()).isEqualTo("replica-rebuild:main:pg2");
    assertThat(holder.runbook()).isEqualTo("ReplicaRebuild");
    assertThat(applicationFailureMessage(failover)).contains("since " + holder.since());
    assertThat(rebuild.state()).isEqualTo("holding");
  }

  @Test
  void lockIsFreeAgainAfterRelease() {
    HoldingRun rebuild = startHolding("replica-rebuild:main:pg2", "ReplicaRebuild");

    rebuild.finish();
    WorkflowStub.fromTyped(rebuild).getResult(String.class);

    assertThat(lock(CLUSTER).holder()).isNull();
    assertThat(lock(CLUSTER).recent()).extracting(LockEvent::what).last()
        .isEqualTo("released by ReplicaRebuild run replica-rebuild:main:pg2; lock is free");
    assertThat(holdingRun("failover:main").run(RunInput.brief(CLUSTER, "Failover"))).startsWith("held ");
  }

  @Test
  void childOfHolderSharesTheLock() {
    ParentRun drill = client.newWorkflowStub(ParentRun.class, options("failover-drill:main"));
    WorkflowClient.start(drill::run, new RunInput(CLUSTER, "FailoverDrill", true, "ReplicaRebuild"));
    String childId = LockTestRuns.ParentRunImpl.childId("failover-drill:main");
    awaitTrue(() -> lock(CLUSTER).holders().size() == 2, "parent and child both hold the lock");

    assertThat(lock(CLUSTER).holders()).extracting(LockHolder::workflowId, LockHolder::runbook)
        .containsExactly(org.assertj.core.api.Assertions.tuple("failover-drill:main", "FailoverDrill"),
            org.assertj.core.api.Assertions.tuple(childId, "ReplicaRebuild"));
    assertThat(lock(CLUSTER).recent()).extracting(LockEvent::what).contains("shared with ReplicaRebuild run "
        + childId + ", a child of holder failover-drill:main: test run");
    // Sharing is for the holder's children only.
    assertThatThrownBy(() -> holdingRun("failover:main").run(RunInput.brief(CLUSTER, "Failover")))
        .satisfies(e -> assertThat(applicationFailure(e).getOriginalMessage())
            .startsWith("cluster main is locked by FailoverDrill run failover-drill:main since "));

    client.newWorkflowStub(HoldingRun.class, childId).finish();
    awaitTrue(() -> "child done".equals(drill.state()), "the child finished");
    assertThat(lock(CLUSTER).holders()).extracting(LockHolder::workflowId).containsExactly("failover-drill:main");

    drill.finish();
    WorkflowStub.fromTyped(drill).getResult(String.class);
    assertThat(lock(CLUSTER).holder()).isNull();
  }

  @Test
  void lockOfAnEndedHolderIsFreed() {
    HoldingRun rebuild = startHolding("replica-rebuild:main:pg2", "ReplicaRebuild");

    WorkflowStub.fromTyped(rebuild).terminate("operator stopped it");
    env.sleep(Duration.ofMinutes(2));

    assertThat(lock(CLUSTER).holder()).isNull();
    assertThat(lock(CLUSTER).recent()).extracting(LockEvent::what).last().isEqualTo("freed from ReplicaRebuild run "
        + "replica-rebuild:main:pg2: the run ended (TERMINATED) without releasing; lock is free");
    assertThat(holdingRun("failover:main").run(RunInput.brief(CLUSTER, "Failover"))).startsWith("held ");
  }

  @Test
  void requestRightAfterTheHolderFailedIsGrantedWithoutWaitingForTheCheck() {
    HoldingRun rebuild = startHolding("replica-rebuild:main:pg2", "ReplicaRebuild");
    WorkflowStub.fromTyped(rebuild).terminate("worker bug");

    HoldingRun failover = startHolding("failover:main", "Failover");

    assertThat(lock(CLUSTER).holder().workflowId()).isEqualTo("failover:main");
    assertThat(lock(CLUSTER).recent()).extracting(LockEvent::what).contains("freed from ReplicaRebuild run "
        + "replica-rebuild:main:pg2: the run ended (TERMINATED) without releasing; lock is free");
    failover.finish();
  }

  @Test
  void differentClustersDoNotBlockEachOther() {
    startHolding("replica-rebuild:main:pg2", "ReplicaRebuild");

    HoldingRun other = startHolding("failover:analytics", "Failover", "analytics");

    assertThat(lock(CLUSTER).holder().workflowId()).isEqualTo("replica-rebuild:main:pg2");
    assertThat(lock("analytics").holder().workflowId()).isEqualTo("failover:analytics");
    other.finish();
  }

  @Test
  void historyStaysBoundedAcrossManyAcquisitions() {
    // A holder throughout: a held lock never ends idle, so only continue-as-new can start a new run.
    HoldingRun holder = startHolding("failover:main", "Failover");
    String firstLockRun = client.newUntypedWorkflowStub(TopologyLock.workflowId(CLUSTER)).describe().getExecution()
        .getRunId();
    int refused = 105;  // one operation each: more than one run's budget of 100
    for (int i = 0; i < refused; i++) {
      HoldingRun run = holdingRun("replica-rebuild:main:pg" + i);
      assertThatThrownBy(() -> run.run(RunInput.brief(CLUSTER, "ReplicaRebuild")))
          .satisfies(e -> assertThat(applicationFailure(e).getType()).isEqualTo(FailureTypes.SAFETY_REFUSED));
    }

    WorkflowExecutionHistory history = client.fetchHistory(TopologyLock.workflowId(CLUSTER));
    HistoryEvent started = history.getEvents().get(0);
    assertThat(started.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId())
        .as("the lock continued as new").isNotEmpty();
    assertThat(history.getLastEvent().getEventId()).as("events in the current run").isLessThan(1000);
    assertThat(client.fetchHistory(TopologyLock.workflowId(CLUSTER), firstLockRun).getLastEvent().getEventType().name())
        .isEqualTo("EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW");
    // State crossed the continue-as-new: the holder is still known and still excludes others.
    assertThat(lock(CLUSTER).holder().workflowId()).isEqualTo("failover:main");
    assertThatThrownBy(() -> holdingRun("replica-rebuild:main:pgx").run(RunInput.brief(CLUSTER, "ReplicaRebuild")))
        .satisfies(e -> assertThat(applicationFailure(e).getOriginalMessage())
            .startsWith("cluster main is locked by Failover run failover:main since"));
    // The new run is still a runbooks' lock (memo kept), not a squatter: once free, it grants again.
    assertThat(client.newUntypedWorkflowStub(TopologyLock.workflowId(CLUSTER)).describe()
        .getMemo(TopologyLock.STARTED_BY_MEMO, String.class)).isEqualTo(TopologyLock.STARTED_BY_RUNBOOK);
    holder.finish();
    WorkflowStub.fromTyped(holder).getResult(String.class);
    holdingRun("replica-rebuild:main:pgy").run(RunInput.brief(CLUSTER, "ReplicaRebuild"));
  }

  @Test
  void requestWhoseCompletionWasLostIsAnsweredWithTheSameGrant() {
    // The worker delivered the request and died before reporting it: the retry delivers it again.
    lockActivities.lostCompletions.set(1);

    HoldingRun rebuild = startHolding("replica-rebuild:main:pg2", "ReplicaRebuild");

    assertThat(lockActivities.requests.get()).isEqualTo(2);
    assertThat(lock(CLUSTER).holders()).extracting(LockHolder::workflowId).containsExactly("replica-rebuild:main:pg2");
    rebuild.finish();
    WorkflowStub.fromTyped(rebuild).getResult(String.class);
    assertThat(lock(CLUSTER).holder()).isNull();
  }

  @Test
  void requestIsRetriedForLongerThanAMinuteBeforeTheRunbookRefusesToStart() {
    // Ten failed attempts (backoff 1, 2, 4, 8 then 10 s) put the eleventh about 75 s after the first: a worker
    // replaced after a minute still delivers the request (the crash sweep's "completing RequestLock").
    lockActivities.unreachableAttempts.set(10);

    assertThat(holdingRun("failover:main").run(RunInput.brief(CLUSTER, "Failover"))).startsWith("held ");

    assertThat(lockActivities.requests.get()).isEqualTo(11);
    assertThat(TopologyLock.REQUEST_BUDGET).isGreaterThan(Duration.ofSeconds(75));
  }

  // --- helpers ---

  private HoldingRun startHolding(String workflowId, String runbook) {
    return startHolding(workflowId, runbook, CLUSTER);
  }

  private HoldingRun startHolding(String workflowId, String runbook, String cluster) {
    HoldingRun run = holdingRun(workflowId);
    WorkflowClient.start(run::run, RunInput.holding(cluster, runbook));
    awaitTrue(() -> "holding".equals(run.state()), workflowId + " holds the lock");
    return run;
  }

  private HoldingRun holdingRun(String workflowId) {
    return client.newWorkflowStub(HoldingRun.class, options(workflowId));
  }

  private static WorkflowOptions options(String workflowId) {
    return WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(workflowId)
        .setWorkflowRunTimeout(Duration.ofHours(1)).build();
  }

  private TopologyLockWorkflow lock(String cluster) {
    return client.newWorkflowStub(TopologyLockWorkflow.class, TopologyLock.workflowId(cluster));
  }

  private String applicationFailureMessage(HoldingRun run) {
    try {
      WorkflowStub.fromTyped(run).getResult(String.class);
      throw new AssertionError("expected the run to have failed");
    } catch (WorkflowFailedException e) {
      return applicationFailure(e).getOriginalMessage();
    }
  }

  private static ApplicationFailure applicationFailure(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure app) {
        return app;
      }
    }
    throw new AssertionError("no ApplicationFailure in the cause chain of " + e, e);
  }

  /** The real lock activities, with a lock that is unreachable for the first attempts or a lost completion. */
  static final class FlakyLockActivities extends LockActivitiesImpl {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger unreachableAttempts = new AtomicInteger();
    final AtomicInteger lostCompletions = new AtomicInteger();

    FlakyLockActivities(WorkflowClient client) {
      super(client);
    }

    @Override
    public void requestLock(LockActivityInput input) {
      requests.incrementAndGet();
      if (Activity.getExecutionContext().getInfo().getAttempt() <= unreachableAttempts.get()) {
        throw new IllegalStateException("test: the lock's frontend is unreachable");
      }
      super.requestLock(input);
      if (lostCompletions.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("test: the worker died before reporting the delivered request");
      }
    }
  }
}
