package io.pgrunbooks.workflows.physicalbackup;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.Map;

/** Activity options of {@code PhysicalBackup}. */
final class PhysicalBackupStubs {
  static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30));
  // An agent killed mid-backup may leave its pgbackrest running and holding the stanza lock: retries wait it out.
  static final RetryOptions BACKUP_RETRY = ActivityStubs.retry(20, Duration.ofSeconds(10), Duration.ofMinutes(2));

  private PhysicalBackupStubs() {}

  static PhysicalBackupActivities central() {
    return ActivityStubs.stub(PhysicalBackupActivities.class,
        ActivityStubs.central(Duration.ofMinutes(2)).retry(RETRY).build());
  }

  /** On the agent of node {@code on}; the backup runs for hours and heartbeats every 2 s (a dead agent shows in 30 s). */
  static PgBackRestActivities agent(PhysicalBackupTarget target, String on) {
    Duration toStart = Duration.ofSeconds(Math.max(1, target.agentStartTimeoutSeconds()));
    return ActivityStubs.stub(PgBackRestActivities.class,
        ActivityStubs.onNode(on, Duration.ofMinutes(10)).scheduleToStart(toStart).retry(RETRY).build(),
        Map.of("PgbackrestBackup", ActivityStubs.override(Duration.ofHours(12)).heartbeat(Duration.ofSeconds(30))
            .scheduleToStart(toStart).retry(BACKUP_RETRY).build(),
            "PgbackrestExpire", ActivityStubs.override(Duration.ofHours(1)).heartbeat(Duration.ofMinutes(1))
            .scheduleToStart(toStart).retry(RETRY).build()));
  }
}
