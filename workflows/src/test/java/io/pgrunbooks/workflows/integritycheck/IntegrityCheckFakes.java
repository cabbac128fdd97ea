package io.pgrunbooks.workflows.integritycheck;

import io.pgrunbooks.workflows.activities.IntegrityActivities;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Scripted amcheck and checksum counters for IntegrityCheck tests and recorded histories. */
public final class IntegrityCheckFakes implements IntegrityActivities {
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final List<Notification> sent = new CopyOnWriteArrayList<>();
  public volatile List<Corruption> corruptions = List.of();
  public volatile long checksumFailuresOnPg1;

  @Override
  public IntegrityPlan planIntegrity(IntegrityTarget target) {
    calls.add("plan " + target.node() + (target.dryRun() ? " dry-run" : ""));
    String node = target.node() == null ? "pg2" : target.node();
    return new IntegrityPlan(node, !node.equals("pg1"), "pg1", List.of("public.orders", "public.customers"), false,
        List.of());
  }

  @Override
  public List<NodeChecksums> checksumFailures(String cluster) {
    calls.add("checksums");
    return List.of(new NodeChecksums("pg1", true, checksumFailuresOnPg1, checksumFailuresOnPg1 == 0 ? List.of()
        : List.of("app: " + checksumFailuresOnPg1 + ", last at 2026-12-06 03:00:00+00"), null),
        new NodeChecksums("pg2", true, 0, List.of(), null));
  }

  @Override
  public IntegrityFindings checkRelations(IntegrityTarget target, IntegrityPlan plan) {
    calls.add("amcheck " + plan.node() + (target.heapallindexed() ? " heapallindexed" : ""));
    return new IntegrityFindings(plan.node(), 2, 3, corruptions, List.of(), 7);
  }

  public WorkflowClient start(TestWorkflowEnvironment env) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(IntegrityCheckWorkflowImpl.class);
    central.registerActivitiesImplementations(this, (NotifyActivities) sent::add, new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    return env.getWorkflowClient();
  }

  public static String id() {
    return WorkflowIds.integrityCheck("main", "app");
  }

  public static IntegrityCheckWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(IntegrityCheckWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id()).build());
  }
}
