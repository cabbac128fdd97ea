package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.terminatesessions.SessionFakes;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A PgBouncer on pg1 with three entries, and the primary's budget (100 - 3 - 10) from {@link SessionFakes}. */
public final class PoolFakes implements PgBouncerPoolActivities {
  public static final String ID = WorkflowIds.poolResize("main", "app");
  public final SessionFakes central = new SessionFakes();
  public final List<String> resizes = new CopyOnWriteArrayList<>();
  public volatile List<Pool> pools = List.of(
      new Pool("app", "10.0.0.1", 5432, 20, 0, true, 7),
      new Pool("reports", "10.0.0.1", 5432, 30, 5, true, 0),
      new Pool("other_cluster", "10.9.9.9", 5432, 50, 0, true, 0));

  @Override
  public List<Pool> readBouncerPools(PoolsInput input) {
    return pools;
  }

  @Override
  public Resized resizeBouncerPool(ResizeInput in) {
    resizes.add(in.database() + " " + in.poolSize() + "/" + in.reservePool());
    Pool before = pools.stream().filter(p -> p.name().equals(in.database())).findFirst().orElseThrow();
    return new Resized(before, in.poolSize(), in.poolSize(), true, "'" + in.database() + "' pool_size "
        + before.poolSize() + " -> " + in.poolSize());
  }

  public PoolResizeWorkflow start(TestWorkflowEnvironment env) {
    var centralWorker = env.newWorker(TaskQueues.CENTRAL);
    centralWorker.registerWorkflowImplementationTypes(PoolResizeWorkflowImpl.class);
    centralWorker.registerActivitiesImplementations(central, central.approvals, new DroppedNotifications(), new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(this);
    env.start();
    return env.getWorkflowClient().newWorkflowStub(PoolResizeWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
  }

  public static PoolResizeInput input(Integer poolSize, String revertAfter, boolean dryRun) {
    return new PoolResizeInput("main", "app", poolSize, null, revertAfter, dryRun, "alice", "pool exhausted");
  }
}
