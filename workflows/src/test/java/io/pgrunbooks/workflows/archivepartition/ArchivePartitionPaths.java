package io.pgrunbooks.workflows.archivepartition;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.concurrent.CompletableFuture;

/** Recorded paths of {@code ArchivePartition} for the replay registry. */
public final class ArchivePartitionPaths {
  private ArchivePartitionPaths() {}

  public static String approvedDrop(TestWorkflowEnvironment env) {
    ArchivePartitionWorkflow run = start(env, new ArchiveFakes());
    ArchiveTestRuns.approve(run);
    return finished(env);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    ArchivePartitionWorkflow run = start(env, new ArchiveFakes());
    ArchiveTestRuns.reject(run);
    return finished(env);
  }

  /** The object's hash differs: nothing dropped, the partition re-attached, the run fails. */
  public static String verifyMismatch(TestWorkflowEnvironment env) {
    ArchiveFakes fakes = new ArchiveFakes();
    fakes.verifyMismatch = true;
    start(env, fakes);
    return finished(env);
  }

  /** deepVerify=false: archived, manifest written, attached again, never dropped (version shallow-verify-never-drops). */
  public static String shallowNeverDrops(TestWorkflowEnvironment env) {
    ArchiveTestRuns.archive(ArchiveTestRuns.start(env, new ArchiveFakes())).run(new ArchivePartitionInput("main", "app",
        ArchiveFakes.PARTITION, null, false, false, false, "partition-maintenance", "monthly archive"));
    return ArchiveTestRuns.ARCHIVE_ID;
  }

  private static ArchivePartitionWorkflow start(TestWorkflowEnvironment env, ArchiveFakes fakes) {
    ArchivePartitionWorkflow run = ArchiveTestRuns.archive(ArchiveTestRuns.start(env, fakes));
    CompletableFuture<ArchivePartitionResult> done = WorkflowClient.execute(run::run, new ArchivePartitionInput("main",
        "app", ArchiveFakes.PARTITION, null, false, null, false, "partition-maintenance", "monthly archive"));
    done.exceptionally(e -> null);
    return run;
  }

  /** Waits for the run's end so the stored history is complete. */
  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(ArchiveTestRuns.ARCHIVE_ID).getResult(ArchivePartitionResult.class);
    } catch (WorkflowFailedException expected) {
      // the failure paths end FAILED on purpose
    }
    return ArchiveTestRuns.ARCHIVE_ID;
  }
}
