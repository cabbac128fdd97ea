package io.pgrunbooks.workflows.replay;

import static io.pgrunbooks.workflows.replay.TestEnvironments.awaitTrue;

import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.ClientLockActivities;
import io.pgrunbooks.workflows.lock.LockTestRuns;
import io.pgrunbooks.workflows.lock.LockTestRuns.HoldingRun;
import io.pgrunbooks.workflows.lock.LockTestRuns.ParentRun;
import io.pgrunbooks.workflows.lock.LockTestRuns.RunInput;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/**
 * TopologyLock's main paths for recording. Each ends with the lock free and idle until it
 * finishes, so the stored history is complete.
 */
final class TopologyLockPaths {
  private static final String CLUSTER = "main";

  private TopologyLockPaths() {}

  static String grantAndRelease(TestWorkflowEnvironment env) {
    WorkflowClient client = start(env);
    run(client, HoldingRun.class, "replica-rebuild:main:pg2").run(RunInput.brief(CLUSTER, "ReplicaRebuild"));
    return awaitLockEnd(client);
  }

  static String refuse(TestWorkflowEnvironment env) {
    WorkflowClient client = start(env);
    HoldingRun failover = startHolding(client, "failover:main", "Failover");
    try {
      run(client, HoldingRun.class, "replica-rebuild:main:pg2").run(RunInput.brief(CLUSTER, "ReplicaRebuild"));
      throw new IllegalStateException("the second run was expected to be refused");
    } catch (WorkflowFailedException expected) {
      // refused, naming failover:main
    }
    failover.finish();
    WorkflowStub.fromTyped(failover).getResult(String.class);
    return awaitLockEnd(client);
  }

  static String childShares(TestWorkflowEnvironment env) {
    WorkflowClient client = start(env);
    ParentRun drill = run(client, ParentRun.class, "failover-drill:main");
    WorkflowClient.start(drill::run, new RunInput(CLUSTER, "FailoverDrill", false, "ReplicaRebuild"));
    String childId = LockTestRuns.ParentRunImpl.childId("failover-drill:main");
    awaitTrue(() -> "holding".equals(client.newWorkflowStub(HoldingRun.class, childId).state()), "the child holds");
    client.newWorkflowStub(HoldingRun.class, childId).finish();
    WorkflowStub.fromTyped(drill).getResult(String.class);
    return awaitLockEnd(client);
  }

  /** The holder is terminated without releasing; the lock's periodic check frees it. */
  static String holderEnded(TestWorkflowEnvironment env) {
    WorkflowClient client = start(env);
    HoldingRun rebuild = startHolding(client, "replica-rebuild:main:pg2", "ReplicaRebuild");
    WorkflowStub.fromTyped(rebuild).terminate("operator stopped it");
    return awaitLockEnd(client);
  }

  private static WorkflowClient start(TestWorkflowEnvironment env) {
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(TopologyLockWorkflowImpl.class, LockTestRuns.HoldingRunImpl.class,
        LockTestRuns.ParentRunImpl.class);
    worker.registerActivitiesImplementations(new ClientLockActivities(env.getWorkflowClient()));
    env.start();
    return env.getWorkflowClient();
  }

  private static HoldingRun startHolding(WorkflowClient client, String workflowId, String runbook) {
    HoldingRun run = run(client, HoldingRun.class, workflowId);
    WorkflowClient.start(run::run, RunInput.holding(CLUSTER, runbook));
    awaitTrue(() -> "holding".equals(run.state()), workflowId + " holds the lock");
    return run;
  }

  private static <T> T run(WorkflowClient client, Class<T> type, String workflowId) {
    return client.newWorkflowStub(type, WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(workflowId).build());
  }

  /** Waits (time skipping) until the free lock has been idle long enough to finish. */
  private static String awaitLockEnd(WorkflowClient client) {
    String id = TopologyLock.workflowId(CLUSTER);
    client.newUntypedWorkflowStub(id).getResult(Void.class);
    return id;
  }
}
