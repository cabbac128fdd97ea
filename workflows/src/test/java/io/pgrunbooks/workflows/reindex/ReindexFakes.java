package io.pgrunbooks.workflows.reindex;

import io.pgrunbooks.workflows.activities.DiskOnlyAgent;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Scripted index sizes, reindex and disk agent for Reindex tests and recorded histories. */
public final class ReindexFakes implements IndexMaintenanceActivities {
  public static final String INDEX = "public.orders_note_idx";
  public static final long MB = 1024L * 1024;
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final FixedApprovals approvals = new FixedApprovals();
  public volatile long bytes = 300 * MB;
  public volatile long freeBytes = 50_000 * MB;
  public volatile List<String> leftovers = List.of();
  /** How long the rebuild takes in real time (the test server does not skip time while an activity runs). */
  public volatile long reindexMillis;
  public static final String PROGRESS = "building index: scanning table, blocks 40/100 (40%)";

  @Override
  public ReindexFacts inspectReindex(ReindexTarget target) {
    calls.add("inspect " + target.index());
    return new ReindexFacts("pg1", "public.orders", List.of(new IndexSize(INDEX, true, bytes, 100 * MB)), leftovers,
        List.of());
  }

  @Override
  public List<IndexSize> reindex(ReindexTarget target) {
    calls.add("reindex " + target.index());
    if (reindexMillis > 0) {
      try {
        Thread.sleep(reindexMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return List.of(new IndexSize(INDEX, true, 101 * MB, 100 * MB));
  }

  @Override
  public String reindexProgress(ReindexTarget target) {
    calls.add("progress " + target.index());
    return PROGRESS;
  }

  @Override
  public IndexFacts inspectIndex(IndexRef ref) {
    throw new UnsupportedOperationException("Reindex never inspects for a drop");
  }

  @Override
  public DroppedIndex dropIndex(IndexRef ref) {
    throw new UnsupportedOperationException("Reindex never drops");
  }

  public WorkflowClient start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(ReindexWorkflowImpl.class);
    central.registerActivitiesImplementations(this, approvals, (NotifyActivities) (Notification n) -> { }, new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(DiskOnlyAgent.of(in ->
        new DiskUsage(in.node(), "/srv/pg1", 10 * MB, 100_000 * MB, freeBytes, "host-pg1")));
    env.start();
    return env.getWorkflowClient();
  }

  public static String id() {
    return WorkflowIds.reindex("main", "app", INDEX);
  }

  public static ReindexWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(ReindexWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id()).build());
  }

  public static CompletableFuture<ReindexResult> execute(ReindexWorkflow run) {
    CompletableFuture<ReindexResult> done = WorkflowClient.execute(run::run, ReindexInput.ofIndex("main", "app", INDEX));
    done.exceptionally(e -> null);
    return done;
  }

  public static void approve(ReindexWorkflow run) {
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "alice", "bloated x3", null));
  }

  public static void reject(ReindexWorkflow run) {
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "after the batch", null));
  }
}
