package io.pgrunbooks.workflows.createindex;

import io.pgrunbooks.workflows.activities.DiskOnlyAgent;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Scripted index activities, approvals and a disk agent for CreateIndex tests and recorded histories. Shared by
 * {@code CreateIndexWorkflowTest} and the replay paths.
 */
public final class CreateIndexFakes implements PostgresIndexActivities {
  public static final String TABLE = "public.orders";
  public static final String STATEMENT = "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON public.orders USING btree"
      + " (customer_id)";
  public static final String DEF = "CREATE INDEX ON public.orders USING btree (customer_id)";
  public static final long GB = 1024L * 1024 * 1024;

  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final FixedApprovals approvals = new FixedApprovals();
  public volatile String equivalent;
  public volatile String leftover;
  public volatile long lag;
  public volatile long freeBytes = 50 * GB;
  public volatile long estimatedBytes = 20L * 1024 * 1024;
  public volatile String buildError;
  /** Build attempts that fail as a crashed worker would (retryable) before one succeeds. */
  public volatile int crashes;
  /** Milliseconds (test-environment time does not skip while an activity runs) each build takes. */
  public volatile long buildMillis;

  @Override
  public IndexPlan planCreateIndex(CreateIndexSpec spec) {
    calls.add("plan " + spec.table() + " " + spec.columns() + " as " + spec.name());
    if (spec.table().equals("public.nosuch")) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("table public.nosuch does not exist",
          "BadInput");
    }
    return new IndexPlan("pg1", TABLE, spec.name(), DEF, STATEMENT, estimatedBytes, equivalent, leftover, lag,
        List.of(new StatementCost("42", "SELECT * FROM public.orders WHERE customer_id = $1", 900, 120.5, 18334.0, 8.3)),
        List.of());
  }

  @Override
  public IndexBuild buildIndex(IndexBuildInput input) {
    calls.add("build " + input.statement());
    if (crashes > 0) {
      crashes--;
      throw io.temporal.failure.ApplicationFailure.newFailure("worker lost", "Unreachable");
    }
    sleep(buildMillis);
    if (buildError != null) {
      return new IndexBuild(false, false, -1, 1, buildError, List.of("dropped INVALID index public.orders_customer_id_idx"));
    }
    return new IndexBuild(true, false, 22L * 1024 * 1024, 1, null, leftover == null ? List.of()
        : List.of("dropped INVALID index " + leftover));
  }

  @Override
  public String buildProgress(IndexBuildInput input) {
    return "building index: scanning table, blocks 50/100 (50%)";
  }

  @Override
  public List<StatementCost> analyzeAndExplain(ExplainInput input) {
    calls.add("analyze " + input.table());
    return input.statements().stream().map(s -> new StatementCost(s.queryId(), s.query(), s.calls(), s.meanMs(),
        s.costBefore(), 8.4)).toList();
  }

  /** Registers CreateIndex, these fakes and pg1's disk agent; starts the environment. */
  public WorkflowClient start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(CreateIndexWorkflowImpl.class);
    central.registerActivitiesImplementations(this, approvals, (NotifyActivities) (Notification n) -> { }, new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(DiskOnlyAgent.of(in ->
        new DiskUsage(in.node(), "/srv/pg1", 10 * GB, 100 * GB, freeBytes, "host-pg1")));
    env.start();
    return env.getWorkflowClient();
  }

  public static String id() {
    return io.pgrunbooks.workflows.common.WorkflowIds.createIndex("main", "app", TABLE);
  }

  public static CreateIndexWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(CreateIndexWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id()).setWorkflowRunTimeout(Duration.ofHours(2)).build());
  }

  public static CreateIndexInput input() {
    return CreateIndexInput.of("main", "app", TABLE, List.of("customer_id"));
  }

  public static void approve(CreateIndexWorkflow run) {
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "alice", "plan looks right", null));
  }

  public static void reject(CreateIndexWorkflow run) {
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "not during the sale", null));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
