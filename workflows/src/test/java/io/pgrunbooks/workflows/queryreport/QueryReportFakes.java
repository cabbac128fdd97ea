package io.pgrunbooks.workflows.queryreport;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.QueryReportActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Scripted QueryReport reads for workflow tests and recorded histories. */
public final class QueryReportFakes implements QueryReportActivities {
  public static final StatementDelta SLOW = new StatementDelta("42", "app", "SELECT * FROM public.orders WHERE email = $1",
      5, 2500, 500, 5);
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final List<Notification> notifications = new CopyOnWriteArrayList<>();
  public volatile boolean invalidIndex;
  public volatile boolean unknownNode;

  @Override
  public StatementsReport statements(StatementsInput in) {
    calls.add("statements keep=" + in.keepSnapshot() + " top=" + in.top());
    if (unknownNode) {
      throw ApplicationFailure.newNonRetryableFailure("unknown node 'pg9' in cluster main", "BadInput");
    }
    return new StatementsReport("pg1", false, false, "2026-12-06 06:00:00+00",
        "deltas since the previous report of 2026-12-06 06:00:00+00 (run r1)", List.of(SLOW), List.of(SLOW),
        List.of(SLOW), List.of(SLOW), List.of(SLOW), List.of());
  }

  @Override
  public List<StatementPlan> plans(PlansInput in) {
    calls.add("plans " + in.statements().size() + " on " + in.node());
    return List.of(new StatementPlan("42", SLOW.query(), "Seq Scan on orders", 4000, List.of(new SeqScan(
        "public.orders", 20_000_000, 1, "(email = $1)")), List.of(new Candidate(
        "CREATE INDEX ON public.orders USING btree (email)", 8_000_000, 4000, 8.5)), null));
  }

  @Override
  public IndexHealth indexHealth(IndexHealthInput in) {
    calls.add("indexes");
    return new IndexHealth(List.of(new IndexNote("public.orders_old_idx", "public.orders", 1000, "idx_scan 0 on pg1,"
        + " pg2")), List.of(), invalidIndex ? List.of(new IndexNote("public.orders_email_key", "public.orders", 8192,
        "INVALID")) : List.of(), List.of(), List.of(), List.of());
  }

  public WorkflowClient start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(QueryReportWorkflowImpl.class);
    central.registerActivitiesImplementations(this, (NotifyActivities) notifications::add, new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    return env.getWorkflowClient();
  }

  public static String id() {
    return WorkflowIds.queryReport("main", "app");
  }

  public static QueryReportWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(QueryReportWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id()).build());
  }
}
