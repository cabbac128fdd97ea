package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.backupverification.BackupVerificationInput;
import io.pgrunbooks.workflows.backupverification.BackupVerificationResult;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflow;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Recorded paths of {@code Backup} and {@code BackupVerification} for the replay registry. */
public final class BackupPaths {
  private BackupPaths() {}

  public static String backedUpFromReplica(TestWorkflowEnvironment env) {
    new BackupRuns(env).start().backup().run(BackupInput.of("main", "app"));
    return BackupRuns.BACKUP_ID;
  }

  public static String retentionApproved(TestWorkflowEnvironment env) {
    BackupRuns runs = withOldBackups(env);
    BackupWorkflow run = runs.start().backup();
    CompletableFuture<BackupResult> done = WorkflowClient.execute(run::run, BackupInput.of("main", "app"));
    BackupRuns.approve(run, "alice");
    done.join();
    return BackupRuns.BACKUP_ID;
  }

  public static String retentionRejected(TestWorkflowEnvironment env) {
    BackupRuns runs = withOldBackups(env);
    BackupWorkflow run = runs.start().backup();
    CompletableFuture<BackupResult> done = WorkflowClient.execute(run::run, BackupInput.of("main", "app"));
    BackupRuns.awaitPending(run);
    run.reject(new ApprovalSignal(null, "bob", "keep them", null));
    done.join();
    return BackupRuns.BACKUP_ID;
  }

  public static String dryRun(TestWorkflowEnvironment env) {
    withOldBackups(env).start().backup().run(new BackupInput("main", "app", true, "alice", "plan"));
    return BackupRuns.BACKUP_ID;
  }

  public static String verified(TestWorkflowEnvironment env) {
    BackupRuns runs = new BackupRuns(env);
    runs.store.add(Instant.now().minus(Duration.ofHours(3)), null);
    runs.start().verification().run(BackupVerificationInput.of("main", "app", null));
    return BackupRuns.VERIFICATION_ID;
  }

  public static String countMismatch(TestWorkflowEnvironment env) {
    BackupRuns runs = new BackupRuns(env);
    String key = runs.store.add(Instant.now().minus(Duration.ofHours(3)), null);
    runs.postgres.restoredCounts.put("public.orders", 999L);
    return failedVerification(runs, key);
  }

  public static String restoreFailed(TestWorkflowEnvironment env) {
    BackupRuns runs = new BackupRuns(env);
    String key = runs.store.add(Instant.now().minus(Duration.ofHours(3)), null);
    runs.postgres.restoreMode = "fail";
    return failedVerification(runs, key);
  }

  public static String cancelledMidRestore(TestWorkflowEnvironment env) throws Exception {
    BackupRuns runs = new BackupRuns(env);
    String key = runs.store.add(Instant.now().minus(Duration.ofHours(3)), null);
    runs.postgres.restoreMode = "block";
    BackupVerificationWorkflow run = runs.start().verification();
    CompletableFuture<BackupVerificationResult> done = WorkflowClient.execute(run::run,
        BackupVerificationInput.of("main", "app", key));
    if (!runs.postgres.restoreStarted.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the restore never started");
    }
    WorkflowStub.fromTyped(run).cancel();
    TestEnvironments.awaitTrue(() -> WorkflowStub.fromTyped(run).describe().getRawDescription()
        .getPendingActivitiesList().stream()
        .anyMatch(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED),
        "the restore's cancellation is requested");
    runs.postgres.releaseRestore.countDown();
    done.exceptionally(e -> null).join();
    return BackupRuns.VERIFICATION_ID;
  }

  private static String failedVerification(BackupRuns runs, String key) {
    try {
      runs.start().verification().run(BackupVerificationInput.of("main", "app", key));
    } catch (WorkflowException expected) {
      // the path ends FAILED on purpose
    }
    return BackupRuns.VERIFICATION_ID;
  }

  /** Four verified backups, two of them old enough for retention to ask for their deletion. */
  private static BackupRuns withOldBackups(TestWorkflowEnvironment env) {
    BackupRuns runs = new BackupRuns(env);
    Instant now = Instant.now();
    runs.store.add(now.minus(Duration.ofDays(30)), true);
    runs.store.add(now.minus(Duration.ofDays(20)), true);
    runs.store.add(now.minus(Duration.ofDays(10)), true);
    runs.store.add(now.minus(Duration.ofDays(9)), true);
    return runs;
  }
}
