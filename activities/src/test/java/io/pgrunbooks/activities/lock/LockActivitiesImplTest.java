package io.pgrunbooks.activities.lock;

import io.pgrunbooks.workflows.lock.LockTestRuns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.lock.LockTestRuns.HoldingRun;
import io.pgrunbooks.workflows.lock.LockTestRuns.RunInput;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.DescribeRunInput;
import io.pgrunbooks.workflows.lock.LockActivityInput;
import io.pgrunbooks.workflows.lock.LockEvent;
import io.pgrunbooks.workflows.lock.LockRelease;
import io.pgrunbooks.workflows.lock.LockReleaseInput;
import io.pgrunbooks.workflows.lock.LockRequest;
import io.pgrunbooks.workflows.lock.RunStatus;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflow;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LockActivitiesImplTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private LockActivitiesImpl activities;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .setUseTimeskipping(true)
        .build());
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(TopologyLockWorkflowImpl.class, LockTestRuns.HoldingRunImpl.class);
    activities = new LockActivitiesImpl(client);
    worker.registerActivitiesImplementations(activities);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void requestStartsTheLockAndStartsAFreshRunAfterThePreviousOneClosed() {
    activities.requestLock(new LockActivityInput("main", request("l1", "ghost:1")));
    WorkflowStub lock = client.newUntypedWorkflowStub(TopologyLock.workflowId("main"));
    lock.getResult(Void.class);
    String firstRun = lock.describe().getExecution().getRunId();
    // The asker did not exist, so the grant could not be delivered and was withdrawn.
    assertThat(client.newWorkflowStub(TopologyLockWorkflow.class, TopologyLock.workflowId("main")).recent())
        .extracting(LockEvent::what).contains("freed from ReplicaRebuild run ghost:1: the run could not be told it holds the lock; lock is free");

    activities.requestLock(new LockActivityInput("main", request("l2", "ghost:2")));

    var second = client.newUntypedWorkflowStub(TopologyLock.workflowId("main")).describe();
    assertThat(second.getExecution().getRunId()).isNotEqualTo(firstRun);
    assertThat(second.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void describeRunFollowsAHolderFromRunningToItsEnd() {
    HoldingRun run = client.newWorkflowStub(HoldingRun.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:pg2").build());
    String runId = WorkflowClient.start(run::run, RunInput.holding("main", "ReplicaRebuild")).getRunId();

    assertThat(activities.describeRun(new DescribeRunInput("replica-rebuild:main:pg2", runId)))
        .isEqualTo(new RunStatus("replica-rebuild:main:pg2", runId, "RUNNING", true));
    WorkflowStub.fromTyped(run).terminate("test");
    assertThat(activities.describeRun(new DescribeRunInput("replica-rebuild:main:pg2", runId)))
        .isEqualTo(new RunStatus("replica-rebuild:main:pg2", runId, "TERMINATED", false));
  }

  @Test
  void describeRunOfAnUnknownRunIsNotFoundAndNotOpen() {
    assertThat(activities.describeRun(new DescribeRunInput("failover:nowhere", null)))
        .isEqualTo(new RunStatus("failover:nowhere", null, "NOT_FOUND", false));
  }

  @Test
  void releaseWhenNoLockIsRunningIsHarmless() {
    activities.releaseLock(new LockReleaseInput("main", new LockRelease("l1", "failover:main")));

    // ...and does not start a lock just to release it.
    assertThatThrownBy(() -> client.newUntypedWorkflowStub(TopologyLock.workflowId("main")).describe())
        .isInstanceOf(WorkflowNotFoundException.class);
  }

  @Test
  void requestWithoutAClusterIsBadInput() {
    assertThatThrownBy(() -> activities.requestLock(new LockActivityInput(" ", request("l1", "failover:main"))))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(e.isNonRetryable()).isTrue();
        });
  }

  @Test
  void runOfAnotherTypeUnderTheLockIdMakesARunbookFailFastNamingIt() {
    HoldingRun squatter = client.newWorkflowStub(HoldingRun.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(TopologyLock.workflowId("main")).build());
    // It waits forever for the lock of another cluster: a long-running run of another type under the lock's id.
    String squatterRun = WorkflowClient.start(squatter::run, RunInput.holding("other", "Squatter")).getRunId();

    assertThatThrownBy(() -> activities.requestLock(new LockActivityInput("main", request("l1", "failover:main"))))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).contains("lock:topology:main is taken by a TestHoldingRun run, not a"
              + " topology lock (run " + squatterRun, "--workflow-id lock:topology:main --run-id " + squatterRun);
        });

    // A runbook asking for the lock fails at once (no two-minute wait for an answer), saying why.
    HoldingRun rebuild = client.newWorkflowStub(HoldingRun.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:pg2").build());
    long started = env.currentTimeMillis();
    assertThatThrownBy(() -> rebuild.run(RunInput.brief("main", "ReplicaRebuild")))
        .hasStackTraceContaining("is taken by a TestHoldingRun run, not a topology lock");
    assertThat(env.currentTimeMillis() - started).isLessThan(TopologyLock.ANSWER_TIMEOUT.toMillis());
  }

  @Test
  void lockRunStartedByHandIsRefusedAsASquatter() {
    TopologyLockWorkflow byHand = client.newWorkflowStub(TopologyLockWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(TopologyLock.workflowId("main")).build());
    String handRun = WorkflowClient.start(byHand::run, io.pgrunbooks.workflows.lock.TopologyLockInput.of("main"))
        .getRunId();

    assertThatThrownBy(() -> activities.requestLock(new LockActivityInput("main", request("l1", "failover:main"))))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(e.getOriginalMessage()).contains("taken by a TopologyLock run started by hand (not by a runbook's"
              + " lock request) (run " + handRun);
        });
  }

  @Test
  void lockStartedByARunbookRequestCarriesTheMarkAndIsAccepted() {
    activities.requestLock(new LockActivityInput("main", request("l1", "ghost:1")));
    activities.requestLock(new LockActivityInput("main", request("l2", "ghost:2")));

    assertThat(client.newUntypedWorkflowStub(TopologyLock.workflowId("main")).describe()
        .getMemo(TopologyLock.STARTED_BY_MEMO, String.class)).isEqualTo(TopologyLock.STARTED_BY_RUNBOOK);
  }

  private static LockRequest request(String lockId, String workflowId) {
    return new LockRequest(lockId, workflowId, null, "ReplicaRebuild", null, "test at " + Instant.EPOCH);
  }
}
