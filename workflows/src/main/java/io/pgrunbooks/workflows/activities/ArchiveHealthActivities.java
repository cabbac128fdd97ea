package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * HealthCheck's WAL archiving and physical backup facts (issue 19), read on the central worker from the
 * cluster's primary; only for clusters with a {@code pgbackrest} section.
 */
@ActivityInterface
public interface ArchiveHealthActivities {
  /**
   * The primary's {@code pg_stat_archiver}, the WAL segments waiting in {@code pg_wal/archive_status} and the
   * cluster's thresholds; {@link ArchiveFacts#notConfigured()} for a cluster without a {@code pgbackrest} section.
   * A retryable failure while no primary answers.
   */
  @ActivityMethod
  ArchiveFacts collectArchiveFacts(String cluster);

  /**
   * @param configured false when the cluster has no {@code pgbackrest} section (then every other field is empty)
   * @param primary the node that is primary now: its agent reads {@code pgbackrest info}
   * @param stanza the cluster's pgBackRest stanza
   * @param agentStartTimeoutSeconds how long a task may wait for the primary's agent
   * @param archiveMode {@code archive_mode} of the primary
   * @param lastArchivedWal newest segment archived, null when nothing was archived since the last stats reset
   * @param lastArchivedSecondsAgo its age, null with it
   * @param failedCount failed archive attempts in total (since the last stats reset)
   * @param lastFailedWal segment of the last failure, null when nothing failed
   * @param lastFailedSecondsAgo age of the last failure, null when nothing failed
   * @param readySegments segments finished and waiting to be archived ({@code .ready}); -1 when the role may not
   *     list {@code pg_wal/archive_status} (it needs {@code pg_monitor})
   * @param oldestReadySecondsAgo how long the oldest waiting segment has waited: the archive lag; null when none
   * @param thresholds the cluster's archive lag and physical backup age thresholds
   */
  record ArchiveFacts(boolean configured, String primary, String stanza, int agentStartTimeoutSeconds,
                      String archiveMode, String lastArchivedWal, Long lastArchivedSecondsAgo, long failedCount,
                      String lastFailedWal, Long lastFailedSecondsAgo, int readySegments, Long oldestReadySecondsAgo,
                      ArchiveThresholds thresholds) {
    public static ArchiveFacts notConfigured() {
      return new ArchiveFacts(false, null, null, 0, null, null, null, 0, null, null, 0, null, null);
    }

    /** The archiver failed after its last success (or never succeeded). */
    public boolean failing() {
      return lastFailedSecondsAgo != null && (lastArchivedSecondsAgo == null || lastFailedSecondsAgo < lastArchivedSecondsAgo);
    }
  }

  /**
   * Degraded at or above the first value of each pair, unhealthy at or above the second ({@code clusters.<name>.pgbackrest}).
   *
   * @param archiveLagDegradedSeconds age of the oldest WAL segment waiting to be archived (300; unhealthy 1800)
   * @param backupAgeDegradedHours age of the newest physical backup (26; unhealthy 50)
   */
  record ArchiveThresholds(long archiveLagDegradedSeconds, long archiveLagUnhealthySeconds, long backupAgeDegradedHours,
                           long backupAgeUnhealthyHours) {}
}
