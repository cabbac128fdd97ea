package io.pgrunbooks.workflows.physicalbackup;

import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/** PhysicalBackup of cluster main on the {@link PhysicalBackupFakes}; shared by the workflow test and the replay paths. */
public final class PhysicalBackupRuns {
  public static final String ID = WorkflowIds.physicalBackup("main");

  public final TestWorkflowEnvironment env;
  public final PhysicalBackupFakes.Central central = new PhysicalBackupFakes.Central();
  public final PhysicalBackupFakes.Agent agent = new PhysicalBackupFakes.Agent();
  /** The replicas' agents, for backups from a standby. */
  public final PhysicalBackupFakes.Agent pg2 = new PhysicalBackupFakes.Agent("pg2", agent);
  public final PhysicalBackupFakes.Agent pg3 = new PhysicalBackupFakes.Agent("pg3", agent);
  public final FixedApprovals approvals = new FixedApprovals();

  public PhysicalBackupRuns(TestWorkflowEnvironment env) {
    this.env = env;
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PhysicalBackupWorkflowImpl.class);
    worker.registerActivitiesImplementations(central, approvals, new DroppedNotifications(), new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(agent);
    env.newWorker(TaskQueues.node("pg2")).registerActivitiesImplementations(pg2);
    env.newWorker(TaskQueues.node("pg3")).registerActivitiesImplementations(pg3);
  }

  public PhysicalBackupWorkflow start() {
    env.start();
    return stub();
  }

  public PhysicalBackupWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(PhysicalBackupWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
  }
}
