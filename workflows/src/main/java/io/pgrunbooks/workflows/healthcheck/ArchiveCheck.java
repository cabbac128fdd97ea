package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveFacts;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveThresholds;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Adds WAL archive lag and the newest physical (pgBackRest) backup's age to a verdict (issue 19). Pure: the
 * workflow passes the facts, the {@code pgbackrest info} backups (or why they could not be read) and the time.
 */
final class ArchiveCheck {
  static final String ARCHIVE_LAG = "archive-lag";
  static final String PHYSICAL_BACKUP = "physical-backup";

  private ArchiveCheck() {}

  /**
   * @param facts null when they could not be collected ({@code factsError} says why)
   * @param backups the stanza's backups; null when {@code pgbackrest info} failed ({@code backupsError} says why)
   */
  static HealthVerdict apply(HealthVerdict verdict, ArchiveFacts facts, String factsError, List<PgBackRestBackup> backups,
                             String backupsError, Instant now) {
    if (facts != null && !facts.configured()) {
      return verdict;
    }
    List<Finding> found = new ArrayList<>();
    if (facts == null) {
      found.add(new Finding(HealthStatus.DEGRADED, ARCHIVE_LAG, "WAL archive lag and physical backup age not checked: "
          + factsError));
    } else {
      found.add(archiveLag(facts));
      found.add(backups == null
          ? new Finding(HealthStatus.DEGRADED, PHYSICAL_BACKUP, "newest physical backup not checked: " + backupsError)
          : backupAge(facts.stanza(), backups, facts.thresholds(), now));
    }
    HealthStatus status = verdict.status();
    List<String> bad = new ArrayList<>();
    for (Finding f : found) {
      status = status.worst(f.severity());
      if (f.severity() != HealthStatus.HEALTHY) {
        bad.add(f.message());
      }
    }
    List<Finding> cluster = new ArrayList<>(verdict.clusterFindings());
    cluster.addAll(found);
    String summary = bad.isEmpty() ? verdict.summary() : verdict.summary() + "; " + String.join("; ", bad);
    return new HealthVerdict(status, verdict.primary(), cluster, verdict.nodes(), summary);
  }

  static Finding archiveLag(ArchiveFacts f) {
    ArchiveThresholds t = f.thresholds();
    if (!"on".equals(f.archiveMode()) && !"always".equals(f.archiveMode())) {
      return new Finding(HealthStatus.UNHEALTHY, ARCHIVE_LAG, "archive_mode is " + f.archiveMode() + " on "
          + f.primary() + " although pgBackRest stanza " + f.stanza() + " is configured: no WAL reaches the "
          + "repository, point-in-time recovery is impossible");
    }
    String last = f.lastArchivedWal() == null ? "nothing archived since the last statistics reset"
        : "last archived " + f.lastArchivedWal() + " " + f.lastArchivedSecondsAgo() + " s ago";
    String failures = f.failing()
        ? ", archiving FAILING: last failure " + f.lastFailedSecondsAgo() + " s ago (" + f.lastFailedWal()
            + ") after the last success, " + f.failedCount() + " failures in total"
        : ", " + f.failedCount() + " failures in total, none since the last success";
    if (f.readySegments() < 0) {
      // Without pg_monitor the waiting segments are invisible: judge by the archiver's own failures only.
      return new Finding(f.failing() ? HealthStatus.DEGRADED : HealthStatus.HEALTHY, ARCHIVE_LAG, "WAL archive lag "
          + "unknown (the monitoring role may not list pg_wal/archive_status; grant pg_monitor): " + last + failures);
    }
    long lag = f.readySegments() == 0 || f.oldestReadySecondsAgo() == null ? 0 : f.oldestReadySecondsAgo();
    HealthStatus s = lag >= t.archiveLagUnhealthySeconds() ? HealthStatus.UNHEALTHY
        : lag >= t.archiveLagDegradedSeconds() ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
    if (f.failing()) {
      s = s.worst(HealthStatus.DEGRADED);
    }
    String waiting = f.readySegments() == 0 ? "no WAL segment waiting to be archived"
        : f.readySegments() + " WAL segment(s) waiting, the oldest for " + lag + " s";
    String limits = s == HealthStatus.HEALTHY ? ""
        : " (degraded at " + t.archiveLagDegradedSeconds() + " s, unhealthy at " + t.archiveLagUnhealthySeconds() + " s)";
    return new Finding(s, ARCHIVE_LAG, "WAL archive lag on " + f.primary() + " is " + lag + " s: " + waiting + limits
        + "; " + last + failures);
  }

  static Finding backupAge(String stanza, List<PgBackRestBackup> backups, ArchiveThresholds t, Instant now) {
    Optional<PgBackRestBackup> newest = backups.stream().max(Comparator.comparingLong(PgBackRestBackup::stopEpoch));
    if (newest.isEmpty()) {
      return new Finding(HealthStatus.UNHEALTHY, PHYSICAL_BACKUP, "stanza " + stanza + " has no physical backup: "
          + "the archived WAL cannot be restored (run PhysicalBackup)");
    }
    PgBackRestBackup b = newest.get();
    Duration age = Duration.between(Instant.ofEpochSecond(b.stopEpoch()), now);
    long hours = age.toHours();
    HealthStatus s = age.compareTo(Duration.ofHours(t.backupAgeUnhealthyHours())) >= 0 ? HealthStatus.UNHEALTHY
        : age.compareTo(Duration.ofHours(t.backupAgeDegradedHours())) >= 0 ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
    return new Finding(s, PHYSICAL_BACKUP, "newest physical backup of stanza " + stanza + " is " + b.label() + " ("
        + b.type() + "), finished " + hours + " h " + age.toMinutesPart() + " min ago (degraded at "
        + t.backupAgeDegradedHours() + " h, unhealthy at " + t.backupAgeUnhealthyHours() + " h); " + backups.size()
        + " backup(s) in the stanza");
  }
}
