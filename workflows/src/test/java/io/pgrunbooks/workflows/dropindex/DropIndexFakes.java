package io.pgrunbooks.workflows.dropindex;

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

/** Scripted index facts and drop for DropIndex tests and recorded histories. */
public final class DropIndexFakes implements IndexMaintenanceActivities {
  public static final String INDEX = "public.orders_note_idx";
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final FixedApprovals approvals = new FixedApprovals();
  public volatile String constraint;
  public volatile long replicaScans;

  @Override
  public IndexFacts inspectIndex(IndexRef ref) {
    calls.add("inspect " + ref.index());
    return new IndexFacts(ref.index(), "public.orders", "CREATE INDEX orders_note_idx ON public.orders USING btree (note)",
        true, 8192 * 100, constraint, List.of(new NodeScans("pg1", false, 0, "2026-01-01 00:00:00+00", null),
            new NodeScans("pg2", true, replicaScans, "2026-01-01 00:00:00+00", null)), List.of());
  }

  @Override
  public DroppedIndex dropIndex(IndexRef ref) {
    calls.add("drop " + ref.index());
    return new DroppedIndex(false, 8192 * 100);
  }

  @Override
  public ReindexFacts inspectReindex(ReindexTarget target) {
    throw new UnsupportedOperationException("DropIndex never reindexes");
  }

  @Override
  public String reindexProgress(ReindexTarget target) {
    throw new UnsupportedOperationException("DropIndex never rebuilds");
  }

  @Override
  public List<IndexSize> reindex(ReindexTarget target) {
    throw new UnsupportedOperationException("DropIndex never reindexes");
  }

  public WorkflowClient start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(DropIndexWorkflowImpl.class);
    central.registerActivitiesImplementations(this, approvals, (NotifyActivities) (Notification n) -> { }, new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    return env.getWorkflowClient();
  }

  public static String id() {
    return WorkflowIds.dropIndex("main", "app", INDEX);
  }

  public static DropIndexWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(DropIndexWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id()).build());
  }

  /** Starts a run; the returned future ends with it. */
  public static CompletableFuture<DropIndexResult> execute(DropIndexWorkflow run) {
    CompletableFuture<DropIndexResult> done = WorkflowClient.execute(run::run, DropIndexInput.of("main", "app", INDEX));
    done.exceptionally(e -> null);
    return done;
  }

  public static void approve(DropIndexWorkflow run) {
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "alice", "unused everywhere", null));
  }

  public static void reject(DropIndexWorkflow run) {
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "month-end report uses it", null));
  }
}
