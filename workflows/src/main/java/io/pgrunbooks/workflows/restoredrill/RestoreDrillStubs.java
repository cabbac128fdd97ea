package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.Map;

/** Activity options of {@code RestoreDrill}, shared with {@code PointInTimeRestore} (same scratch instance). */
public final class RestoreDrillStubs {
  static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30));
  // A failed restore is retried a little (an agent restart); a recovery PostgreSQL refused is non-retryable.
  static final RetryOptions RESTORE_RETRY = ActivityStubs.retry(3, Duration.ofSeconds(10), Duration.ofMinutes(1));
  // Cleanup must happen: many attempts, backing off.
  static final RetryOptions REMOVE_RETRY = ActivityStubs.retry(30, Duration.ofSeconds(5), Duration.ofMinutes(2));

  private RestoreDrillStubs() {}

  public static RestoreDrillActivities central() {
    return ActivityStubs.stub(RestoreDrillActivities.class,
        ActivityStubs.central(Duration.ofMinutes(2)).retry(RETRY).build(),
        Map.of("DrillSentinels", ActivityStubs.override(Duration.ofMinutes(5)).heartbeat(Duration.ofSeconds(30))
            .retry(RETRY).build(),
            "DrillCheck", ActivityStubs.override(Duration.ofHours(2)).heartbeat(Duration.ofMinutes(1))
            .retry(RETRY).build()));
  }

  /** The drill history in the bucket: small writes, retried like the run reports for up to 10 minutes. */
  public static DrillHistoryActivities history() {
    return ActivityStubs.stub(DrillHistoryActivities.class, ActivityStubs.central(Duration.ofSeconds(30))
        .scheduleToClose(Duration.ofMinutes(10)).retry(ActivityStubs.retry(0, Duration.ofSeconds(1),
            Duration.ofSeconds(30))).build());
  }

  /** On the primary's agent; the restore runs for hours on a big database and heartbeats every 2 s. */
  public static DrillScratchActivities agent(DrillTarget target) {
    Duration toStart = Duration.ofSeconds(Math.max(1, target.agentStartTimeoutSeconds()));
    return ActivityStubs.stub(DrillScratchActivities.class,
        ActivityStubs.onNode(target.node(), Duration.ofMinutes(10)).scheduleToStart(toStart).retry(REMOVE_RETRY)
            .heartbeat(Duration.ofMinutes(1)).build(),
        Map.of("DrillRestore", ActivityStubs.override(Duration.ofHours(12)).heartbeat(Duration.ofSeconds(30))
            .scheduleToStart(toStart).retry(RESTORE_RETRY).build()));
  }

  public static io.pgrunbooks.workflows.physicalbackup.PgBackRestActivities pgbackrest(DrillTarget target) {
    Duration toStart = Duration.ofSeconds(Math.max(1, target.agentStartTimeoutSeconds()));
    return ActivityStubs.stub(io.pgrunbooks.workflows.physicalbackup.PgBackRestActivities.class,
        ActivityStubs.onNode(target.node(), Duration.ofMinutes(10)).scheduleToStart(toStart).retry(RETRY).build());
  }
}
