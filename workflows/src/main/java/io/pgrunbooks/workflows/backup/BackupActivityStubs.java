package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.backup.PostgresBackupActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/** Activity stubs and options shared by Backup and BackupVerification. */
public final class BackupActivityStubs {
  static final RetryOptions RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setMaximumInterval(Duration.ofSeconds(30))
      .setMaximumAttempts(5)
      .setDoNotRetry(FailureTypes.NON_RETRYABLE)
      .build();

  private BackupActivityStubs() {}

  public static BackupStoreActivities store() {
    return Workflow.newActivityStub(BackupStoreActivities.class, ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setScheduleToCloseTimeout(Duration.ofMinutes(10))
        .setRetryOptions(RETRY)
        .build());
  }

  /**
   * Short SQL steps take the default; dump and restore run for hours and heartbeat their bytes, and
   * the restore waits for its cancellation to finish so that the scratch database is dropped after
   * pg_restore stopped, not while it still writes.
   */
  public static PostgresBackupActivities postgres() {
    ActivityOptions base = ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setStartToCloseTimeout(Duration.ofMinutes(10))
        .setRetryOptions(RETRY)
        .build();
    ActivityOptions longRunning = ActivityOptions.newBuilder(base)
        .setStartToCloseTimeout(Duration.ofHours(12))
        .setHeartbeatTimeout(Duration.ofSeconds(60))
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .build();
    ActivityOptions counting = ActivityOptions.newBuilder(base)
        .setStartToCloseTimeout(Duration.ofHours(2))
        .build();
    return Workflow.newActivityStub(PostgresBackupActivities.class, base, Map.of(
        "DumpToStore", longRunning,
        "Restore", longRunning,
        "CountRows", counting,
        "Amcheck", counting));
  }
}
