package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.KeptReports;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillFakes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;

/**
 * PointInTimeRestore of cluster main on RestoreDrill's fakes (pg1 primary at 10.0.0.1, pg2 a replica); shared by the
 * workflow test and the replay paths.
 */
public final class PointInTimeRestoreRuns {
  public static final String ID = WorkflowIds.pointInTimeRestore("main");

  public final TestWorkflowEnvironment env;
  public final RestoreDrillFakes fakes = new RestoreDrillFakes();
  public final KeptReports reports = new KeptReports();

  public PointInTimeRestoreRuns(TestWorkflowEnvironment env) {
    this.env = env;
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PointInTimeRestoreWorkflowImpl.class);
    worker.registerActivitiesImplementations(fakes.central, new Replication(), new FixedApprovals(), fakes.notifier,
        reports);
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(fakes.agent, fakes.pgbackrest);
  }

  /** Runs to the end (time skipping runs keepFor out). */
  public PointInTimeRestoreResult run(PointInTimeRestoreInput input) {
    env.start();
    return stub().run(input);
  }

  /** Starts the run and returns at once; the caller queries, signals and waits. */
  public PointInTimeRestoreWorkflow start(PointInTimeRestoreInput input) {
    env.start();
    PointInTimeRestoreWorkflow stub = stub();
    WorkflowClient.start(stub::run, input);
    return stub;
  }

  private PointInTimeRestoreWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(PointInTimeRestoreWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
  }

  /** Roles of main: pg1 primary, pg2 replica; any other node is unknown. */
  static final class Replication implements PostgresReplicationActivities {
    @Override
    public Topology topology(TopologyInput input) {
      if (!List.of("pg1", "pg2").contains(input.replica())) {
        throw ApplicationFailure.newNonRetryableFailure("unknown node '" + input.replica() + "' in cluster main; "
            + "its nodes: pg1, pg2", FailureTypes.BAD_INPUT);
      }
      return new Topology("main", List.of(new NodeRole("pg1", "10.0.0.1", 5432, true, false, null),
          new NodeRole("pg2", "10.0.0.2", 5432, true, true, null)), "pg1", null, "streaming", 0, "pg2", true, true,
          1_000_000);
    }

    @Override
    public RebuildSettings rebuildSettings(TopologyInput input) {
      throw new UnsupportedOperationException("PointInTimeRestore reads no rebuild settings");
    }

    @Override
    public String recreateSlot(SlotInput input) {
      throw new UnsupportedOperationException("PointInTimeRestore touches no slot");
    }

    @Override
    public CatchUp awaitCatchUp(CatchUpInput input) {
      throw new UnsupportedOperationException("PointInTimeRestore waits for no replica");
    }
  }
}
