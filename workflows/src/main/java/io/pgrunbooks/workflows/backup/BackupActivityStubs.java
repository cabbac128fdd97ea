package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.backup.PostgresBackupActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/** Activity stubs and options shared by Backup and BackupVerification. */
public final class BackupActivityStubs {
  static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

  private BackupActivityStubs() {}

  public static BackupStoreActivities store() {
    return Workflow.newActivityStub(BackupStoreActivities.class, ActivityStubs.central(Duration.ofMinutes(2))
        .scheduleToClose(Duration.ofMinutes(10))
        .retry(RETRY)
        .build());
  }

  /**
   * Short SQL steps take the default; dump and restore run for hours and heartbeat their bytes, and
   * the restore waits for its cancellation to finish so that the scratch database is dropped after
   * pg_restore stopped, not while it still writes.
   */
  public static PostgresBackupActivities postgres() {
    return postgres(false);
  }

  /**
   * The same with the dump and the restore on the heavy queue ({@code pg-runbooks-heavy}); the short steps
   * and the counting stay central. Runs choose between the two with {@link io.pgrunbooks.workflows.common.HeavyQueue}.
   */
  public static PostgresBackupActivities heavyPostgres() {
    return postgres(true);
  }

  private static PostgresBackupActivities postgres(boolean heavy) {
    ActivityOptions base = ActivityStubs.central(Duration.ofMinutes(10)).retry(RETRY).build();
    ActivityOptions longRunning = ActivityStubs.override(Duration.ofHours(12))
        .heartbeat(Duration.ofSeconds(60))
        .waitForCancellation()
        .build();
    if (heavy) {
      longRunning = ActivityStubs.onHeavyQueue(longRunning);
    }
    ActivityOptions counting = ActivityStubs.override(Duration.ofHours(2)).build();
    return Workflow.newActivityStub(PostgresBackupActivities.class, base, Map.of(
        "DumpToStore", longRunning,
        "Restore", longRunning,
        "CountRows", counting,
        "Amcheck", counting));
  }
}
