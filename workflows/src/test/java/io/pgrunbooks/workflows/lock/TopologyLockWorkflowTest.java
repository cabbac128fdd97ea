package io.pgrunbooks.workflows.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.LockState.Holding;
import io.pgrunbooks.workflows.lock.LockTestRuns.HoldingRun;
import io.pgrunbooks.workflows.lock.LockTestRuns.RunInput;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lock workflow and the requester-side helper with test doubles of the activities. The
 * scenarios with the real activities (refusal, sharing, release, ended holders, continue-as-new)
 * are in the activities module: {@code activities/lock/TopologyLockTest}.
 */
class TopologyLockWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private Worker worker;

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = env.getWorkflowClient();
    worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(TopologyLockWorkflowImpl.class, LockTestRuns.HoldingRunImpl.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void unansweredRequestFailsSafelyAndGivesItsLockIdBack() {
    SilentLock silent = new SilentLock();
    worker.registerActivitiesImplementations(silent);
    env.start();

    HoldingRun run = holdingRun("replica-rebuild:main:pg2");
    assertThatThrownBy(() -> run.run(RunInput.brief("main", "ReplicaRebuild")))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> {
          ApplicationFailure cause = applicationFailure(e);
          assertThat(cause.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(cause.isNonRetryable()).isTrue();
          assertThat(cause.getOriginalMessage()).isEqualTo("the topology lock of cluster main (lock:topology:main) "
              + "did not answer within 2 minutes: ReplicaRebuild refused to start without it");
        });
    assertThat(silent.requested).hasSize(1);
    assertThat(silent.released).extracting(LockReleaseInput::release)
        .containsExactly(new LockRelease(silent.requested.get(0).request().lockId(), "replica-rebuild:main:pg2"));
  }

  @Test
  void unreachableLockFailsSafelyWithTheReason() {
    SilentLock unreachable = new SilentLock() {
      @Override
      public void requestLock(LockActivityInput input) {
        requested.add(input);
        throw new IllegalStateException("UNAVAILABLE: io exception");
      }
    };
    worker.registerActivitiesImplementations(unreachable);
    env.start();

    HoldingRun run = holdingRun("failover:main");
    assertThatThrownBy(() -> run.run(RunInput.brief("main", "Failover")))
        .satisfies(e -> {
          ApplicationFailure cause = applicationFailure(e);
          assertThat(cause.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(cause.getOriginalMessage()).isEqualTo("could not reach the topology lock of cluster main "
              + "(lock:topology:main): UNAVAILABLE: io exception: Failover refused to start without it");
        });
    assertThat(unreachable.requested.size()).as("retried").isGreaterThan(1);
    assertThat(unreachable.released).hasSize(1);
  }

  @Test
  void freeLockEndsAfterTenIdleMinutesAndTheNextRequestStartsItAgain() {
    worker.registerActivitiesImplementations(new ClientLockActivities(client));
    env.start();

    holdingRun("failover:main").run(RunInput.brief("main", "Failover"));
    WorkflowStub lock = client.newUntypedWorkflowStub(TopologyLock.workflowId("main"));
    lock.getResult(Void.class);
    String firstRun = lock.getExecution().getRunId();
    assertThat(lock.describe().getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

    holdingRun("replica-rebuild:main:pg2").run(RunInput.brief("main", "ReplicaRebuild"));
    assertThat(client.newUntypedWorkflowStub(TopologyLock.workflowId("main")).describe().getExecution().getRunId())
        .isNotEqualTo(firstRun);
  }

  @Test
  void lockContinuedWithCarriedStateStillKnowsItsHolder() {
    worker.registerActivitiesImplementations(new ClientLockActivities(client));
    env.start();
    Instant since = Instant.parse("2026-01-05T09:00:00Z");
    LockState carried = new LockState(
        List.of(new Holding("l1", "failover:main", null, "Failover", since, "switch to pg2", false)),
        List.of(new LockEvent(since, "granted to Failover run failover:main")), List.of());

    TopologyLockWorkflow lock = client.newWorkflowStub(TopologyLockWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(TopologyLock.workflowId("main")).build());
    WorkflowClient.start(lock::run, new TopologyLockInput("main", carried));

    assertThat(lock.holder()).isEqualTo(new LockHolder("failover:main", "Failover", since, "l1"));
    assertThat(lock.recent()).extracting(LockEvent::what).containsExactly("granted to Failover run failover:main");
  }

  @Test
  void lockWithoutAClusterFailsAsBadInput() {
    worker.registerActivitiesImplementations(new ClientLockActivities(client));
    env.start();

    TopologyLockWorkflow lock = client.newWorkflowStub(TopologyLockWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(TopologyLock.workflowId("")).build());

    assertThatThrownBy(() -> lock.run(TopologyLockInput.of(" ")))
        .satisfies(e -> assertThat(applicationFailure(e).getType()).isEqualTo(FailureTypes.BAD_INPUT));
  }

  private HoldingRun holdingRun(String workflowId) {
    return client.newWorkflowStub(HoldingRun.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(workflowId).build());
  }

  private static ApplicationFailure applicationFailure(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure app) {
        return app;
      }
    }
    throw new AssertionError("no ApplicationFailure in the cause chain of " + e, e);
  }

  /** A lock that takes requests and never answers (the lock worker is down, say). */
  public static class SilentLock implements LockActivities {
    final List<LockActivityInput> requested = new CopyOnWriteArrayList<>();
    final List<LockReleaseInput> released = new CopyOnWriteArrayList<>();

    @Override
    public void requestLock(LockActivityInput input) {
      requested.add(input);
    }

    @Override
    public void releaseLock(LockReleaseInput input) {
      released.add(input);
    }

    @Override
    public RunStatus describeRun(DescribeRunInput input) {
      return new RunStatus(input.workflowId(), input.runId(), "RUNNING", true);
    }
  }
}
