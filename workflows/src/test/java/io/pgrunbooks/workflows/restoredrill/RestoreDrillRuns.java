package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.KeptReports;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/** RestoreDrill of cluster main on the {@link RestoreDrillFakes}; shared by the workflow test and the replay paths. */
public final class RestoreDrillRuns {
  public static final String ID = WorkflowIds.restoreDrill("main");

  public final TestWorkflowEnvironment env;
  public final RestoreDrillFakes fakes = new RestoreDrillFakes();
  public final KeptReports reports = new KeptReports();

  public RestoreDrillRuns(TestWorkflowEnvironment env) {
    this.env = env;
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(RestoreDrillWorkflowImpl.class);
    worker.registerActivitiesImplementations(fakes.central, fakes.history, new FixedApprovals(), fakes.notifier, reports);
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(fakes.agent, fakes.pgbackrest);
  }

  public RestoreDrillResult run(RestoreDrillInput input) {
    env.start();
    return env.getWorkflowClient().newWorkflowStub(RestoreDrillWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build()).run(input);
  }
}
