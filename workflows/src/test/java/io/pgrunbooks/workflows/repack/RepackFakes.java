package io.pgrunbooks.workflows.repack;

import io.pgrunbooks.workflows.activities.DiskOnlyAgent;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.RepackActivities;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Scripted table facts, pg_repack and disk agent for Repack tests and recorded histories. */
public final class RepackFakes implements RepackActivities {
  public static final String TABLE = "public.orders";
  public static final long MB = 1024L * 1024;
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final FixedApprovals approvals = new FixedApprovals();
  public volatile String keyProblem;
  public volatile long freeBytes = 50_000 * MB;
  public volatile boolean repackFails;
  public volatile List<String> leftovers = List.of();

  @Override
  public RepackFacts inspectRepack(RepackTarget target) {
    calls.add("inspect " + target.table());
    return new RepackFacts("pg1", TABLE, 1000 * MB, 200 * MB, 1_000_000, 4_000_000,
        List.of(new IndexSize("public.orders_pkey", true, 300 * MB, 60 * MB)),
        keyProblem == null ? "orders_pkey (primary key)" : null, keyProblem, null, leftovers, List.of());
  }

  @Override
  public RepackOutcome repack(RepackTarget target) {
    calls.add("repack " + target.table());
    if (repackFails) {
      throw ApplicationFailure.newNonRetryableFailure("pg_repack of public.orders failed (exit 1): ERROR: query"
          + " failed: canceling statement due to user request", "RepackFailed");
    }
    return new RepackOutcome(1000 * MB, 300 * MB, 210 * MB, 62 * MB, leftovers, "INFO: repacking table"
        + " \"public.orders\"", 42);
  }

  @Override
  public List<String> cleanupRepack(RepackTarget target) {
    calls.add("cleanup " + target.table());
    return repackFails ? List.of("trigger repack_trigger on public.orders", "table repack.log_16384") : List.of();
  }

  public WorkflowClient start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(RepackWorkflowImpl.class);
    central.registerActivitiesImplementations(this, approvals, (NotifyActivities) (Notification n) -> { },
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(DiskOnlyAgent.of(in ->
        new DiskUsage(in.node(), "/srv/pg1", 10 * MB, 100_000 * MB, freeBytes, "host-pg1")));
    env.start();
    return env.getWorkflowClient();
  }

  public static String id() {
    return WorkflowIds.repack("main", "app", TABLE);
  }

  public static RepackWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(RepackWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id()).build());
  }

  public static CompletableFuture<RepackResult> execute(RepackWorkflow run) {
    CompletableFuture<RepackResult> done = WorkflowClient.execute(run::run, RepackInput.of("main", "app", TABLE));
    done.exceptionally(e -> null);
    return done;
  }

  public static void approve(RepackWorkflow run) {
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "alice", "80% dead", null));
  }

  public static void reject(RepackWorkflow run) {
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "not during the sale", null));
  }
}
