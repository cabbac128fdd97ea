package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflow;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;

/** Drives the archive runbooks against {@link ArchiveFakes} in a test environment; shared by the tests and the recorded paths. */
public final class ArchiveTestRuns {
  public static final String ARCHIVE_ID = WorkflowIds.archivePartition("main", "app", ArchiveFakes.PARTITION);
  public static final String RESTORE_ID = WorkflowIds.restorePartition("main", "app", ArchiveFakes.PARTITION);

  private ArchiveTestRuns() {}

  /** Registers both runbooks and the fakes on the central queue and starts the environment. */
  public static WorkflowClient start(TestWorkflowEnvironment env, ArchiveFakes fakes) {
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(ArchivePartitionWorkflowImpl.class, RestorePartitionWorkflowImpl.class);
    central.registerActivitiesImplementations(fakes.activities());
    central.registerActivitiesImplementations(new io.pgrunbooks.workflows.replay.KeptReports());
    // Export, verify and restore streams go to the heavy queue: the same fakes serve it.
    env.newWorker(TaskQueues.HEAVY).registerActivitiesImplementations(fakes.activities());
    env.start();
    return env.getWorkflowClient();
  }

  public static ArchivePartitionWorkflow archive(WorkflowClient client) {
    return client.newWorkflowStub(ArchivePartitionWorkflow.class, options(ARCHIVE_ID));
  }

  /** The archive run that already started (for queries after it ended). */
  public static ArchivePartitionWorkflow existingArchive(WorkflowClient client) {
    return client.newWorkflowStub(ArchivePartitionWorkflow.class, ARCHIVE_ID);
  }

  public static RestorePartitionWorkflow restore(WorkflowClient client) {
    return client.newWorkflowStub(RestorePartitionWorkflow.class, options(RESTORE_ID));
  }


  public static void approve(Runbook run) {
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "alice", "archive verified, drop it", null));
  }

  public static void reject(Runbook run) {
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "keep it until the audit", null));
  }


  private static WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build();
  }
}
