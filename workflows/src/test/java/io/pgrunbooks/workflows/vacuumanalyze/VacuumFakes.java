package io.pgrunbooks.workflows.vacuumanalyze;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.VacuumActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Scripted statistics, lag and VACUUMs for VacuumAnalyze tests and recorded histories. */
public final class VacuumFakes implements VacuumActivities {
  public static final long NOW = 1_800_000_000_000L;
  public static final long DAY = 86_400_000L;
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final List<Notification> notifications = new CopyOnWriteArrayList<>();
  public final FixedApprovals approvals = new FixedApprovals();
  public volatile List<TableStats> tables = List.of(
      new TableStats("public.events", 2_000, 8_000, 0, NOW - DAY, NOW - DAY, 1_000, 100),
      new TableStats("public.ledger", 1_000, 0, 0, NOW - DAY, NOW - DAY, 190_000_000, 50),
      new TableStats("public.clean", 1_000, 0, 0, NOW - DAY, NOW - DAY, 1_000, 10));
  /** Lag answers in order; the last one repeats. */
  public final Deque<Double> lags = new ArrayDeque<>(List.of(0.0));
  /** A VACUUM heartbeats until cancelled instead of finishing. */
  public volatile String slowTable;
  /** A VACUUM that fails as one hitting lock_timeout on every attempt would. */
  public volatile String failingTable;

  @Override
  public VacuumFacts inspectVacuum(VacuumTarget target) {
    calls.add("inspect " + target.tables());
    return new VacuumFacts("pg1", NOW, 200_000_000L, target.tables().isEmpty() ? tables
        : tables.stream().filter(t -> target.tables().contains(t.table())).toList());
  }

  @Override
  public TableVacuum vacuumTable(VacuumTableInput in) {
    calls.add("vacuum " + in.table() + (in.freeze() ? " freeze" : "") + (in.analyzeOnly() ? " analyze" : ""));
    if (in.table().equals(failingTable)) {
      throw ApplicationFailure.newNonRetryableFailure("VACUUM (FREEZE, ANALYZE) \"public\".\"ledger\" failed:"
          + " ERROR: canceling statement due to lock timeout", "LockTimeout");
    }
    if (in.table().equals(slowTable)) {
      while (true) {
        // Cancellation arrives through the heartbeat, as with the real VACUUM.
        Activity.getExecutionContext().heartbeat("scanning heap");
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    TableStats t = tables.stream().filter(s -> s.table().equals(in.table())).findFirst().orElseThrow();
    return new TableVacuum(in.table(), "VACUUM (ANALYZE) " + in.table(), t.deadTuples(), 0, t.pages(),
        t.pages() / 5, t.pages() - t.pages() / 5, 0, 1_500, false);
  }

  @Override
  public String vacuumProgress(VacuumTableInput in) {
    return "scanning heap: 10 of 100 heap blocks scanned (10%)";
  }

  @Override
  public synchronized List<ReplicaLag> replicaLag(VacuumTarget target) {
    double lag = lags.size() > 1 ? lags.poll() : lags.peek();
    calls.add("lag " + lag);
    return List.of(new ReplicaLag("pg2", lag, null));
  }

  public WorkflowClient start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(VacuumAnalyzeWorkflowImpl.class);
    central.registerActivitiesImplementations(this, approvals, (NotifyActivities) notifications::add,
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    return env.getWorkflowClient();
  }

  public static String id() {
    return WorkflowIds.vacuumAnalyze("main", "app");
  }

  public static VacuumAnalyzeWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(VacuumAnalyzeWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id()).build());
  }

  public static CompletableFuture<VacuumAnalyzeResult> execute(VacuumAnalyzeWorkflow run, VacuumAnalyzeInput in) {
    CompletableFuture<VacuumAnalyzeResult> done = WorkflowClient.execute(run::run, in);
    done.exceptionally(e -> null);
    return done;
  }
}
