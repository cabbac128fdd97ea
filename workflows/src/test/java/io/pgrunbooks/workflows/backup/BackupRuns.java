package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflow;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflowImpl;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/**
 * Backup and BackupVerification of database app in cluster main on the {@link BackupFakes}, in one test
 * environment; shared by the workflow tests and the recorded replay paths.
 */
public final class BackupRuns {
  public static final String BACKUP_ID = WorkflowIds.backup("main", "app");
  public static final String VERIFICATION_ID = WorkflowIds.backupVerification("main", "app");

  public final TestWorkflowEnvironment env;
  public final BackupFakes.Store store = new BackupFakes.Store();
  public final BackupFakes.Postgres postgres = new BackupFakes.Postgres(store);
  public final FixedApprovals approvals = new FixedApprovals();

  /** Registers both runbooks and the fakes in {@code env}; call {@link #start()} after setting up the fakes. */
  public BackupRuns(TestWorkflowEnvironment env) {
    this.env = env;
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(BackupWorkflowImpl.class, BackupVerificationWorkflowImpl.class);
    central.registerActivitiesImplementations(store, postgres, approvals, new DroppedNotifications(), new io.pgrunbooks.workflows.replay.KeptReports());
    // The dump and the verification restore go to the heavy queue: the same fake serves it.
    env.newWorker(TaskQueues.HEAVY).registerActivitiesImplementations(postgres);
  }

  public BackupRuns start() {
    env.start();
    return this;
  }

  public BackupWorkflow backup() {
    return env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class, options(BACKUP_ID));
  }

  public BackupVerificationWorkflow verification() {
    return env.getWorkflowClient().newWorkflowStub(BackupVerificationWorkflow.class, options(VERIFICATION_ID));
  }

  /** Waits for a new pending approval and approves it as {@code approver}. */
  public static void approve(BackupWorkflow run, String approver) {
    run.approve(new ApprovalSignal(awaitPending(run), approver, "old backups may go", null));
  }

  public static String awaitPending(BackupWorkflow run) {
    return TestEnvironments.awaitPendingApproval(run);
  }

  private static WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build();
  }

  /** For the tests' {@code WorkflowClient.execute}. */
  public WorkflowClient client() {
    return env.getWorkflowClient();
  }
}
