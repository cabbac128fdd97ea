package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.ClientLockActivities;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.concurrent.CompletableFuture;

/** Recorded paths of {@code ReplicaRebuild} for the replay registry. */
public final class ReplicaRebuildPaths {
  private static final String ID = "replica-rebuild:main:pg2";

  private ReplicaRebuildPaths() {}

  public static String rebuilt(TestWorkflowEnvironment env) {
    ReplicaRebuildWorkflow run = start(env, new RebuildFakes.Replication());
    approve(run, "alice");
    return finished(env);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    ReplicaRebuildWorkflow run = start(env, new RebuildFakes.Replication());
    awaitPending(run);
    run.reject(new ApprovalSignal(null, "bob", "not now", null));
    return finished(env);
  }

  public static String dryRun(TestWorkflowEnvironment env) {
    ReplicaRebuildWorkflow run = stub(env, new RebuildFakes.Replication());
    run.run(new ReplicaRebuildInput("main", "pg2", true, "alice", "plan"));
    return ID;
  }

  public static String restoredAfterFailure(TestWorkflowEnvironment env) {
    RebuildFakes.Replication replication = new RebuildFakes.Replication();
    replication.failCatchUp = true;
    ReplicaRebuildWorkflow run = start(env, replication);
    approve(run, "alice");
    approve(run, "bob");
    return finished(env);
  }

  /** A cluster with topology patroni: Patroni reinitializes pg2 after the approval. */
  public static String patroniReinitialized(TestWorkflowEnvironment env) {
    WorkflowClient client = env.getWorkflowClient();
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(ReplicaRebuildWorkflowImpl.class, TopologyLockWorkflowImpl.class);
    central.registerActivitiesImplementations(new RebuildFakes.Config("patroni"), new RebuildFakes.Replication(),
        new RebuildFakes.Patroni(), new FixedApprovals(), new DroppedNotifications(), new ClientLockActivities(client),
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    ReplicaRebuildWorkflow run = client.newWorkflowStub(ReplicaRebuildWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
    WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2")).exceptionally(e -> null);
    approve(run, "alice");
    return finished(env);
  }

  /** Waits for the run's end (letting time skip) so the stored history is complete. */
  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(ID).getResult(ReplicaRebuildResult.class);
    } catch (io.temporal.client.WorkflowFailedException expected) {
      // the failure path ends FAILED on purpose
    }
    return ID;
  }

  private static ReplicaRebuildWorkflow start(TestWorkflowEnvironment env, RebuildFakes.Replication replication) {
    ReplicaRebuildWorkflow run = stub(env, replication);
    CompletableFuture<ReplicaRebuildResult> done = WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2"));
    done.exceptionally(e -> null);
    return run;
  }

  private static ReplicaRebuildWorkflow stub(TestWorkflowEnvironment env, RebuildFakes.Replication replication) {
    WorkflowClient client = env.getWorkflowClient();
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(ReplicaRebuildWorkflowImpl.class, TopologyLockWorkflowImpl.class);
    central.registerActivitiesImplementations(new RebuildFakes.Config(), replication, new FixedApprovals(),
        new DroppedNotifications(), new ClientLockActivities(client), new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg2")).registerActivitiesImplementations(new RebuildFakes.Node());
    env.start();
    return client.newWorkflowStub(ReplicaRebuildWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
  }

  private static void approve(ReplicaRebuildWorkflow run, String approver) {
    String id = awaitPending(run);
    run.approve(new ApprovalSignal(id, approver, "go", null));
  }

  private static String awaitPending(ReplicaRebuildWorkflow run) {
    String[] id = new String[1];
    TestEnvironments.awaitTrue(() -> {
      var pending = run.progress().pendingApprovals();
      if (pending.isEmpty() || pending.get(0).requestId().equals(id[0])) {
        return false;
      }
      id[0] = pending.get(0).requestId();
      return true;
    }, "an approval is pending");
    return id[0];
  }
}
