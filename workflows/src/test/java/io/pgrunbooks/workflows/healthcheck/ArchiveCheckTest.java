package io.pgrunbooks.workflows.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveFacts;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveThresholds;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final ArchiveThresholds T = new ArchiveThresholds(300, 1800, 26, 50);
  private static final HealthVerdict HEALTHY = new HealthVerdict(HealthStatus.HEALTHY, "pg1", List.of(), List.of(),
      "main is healthy");

  private static ArchiveFacts facts(String mode, Long lastFailedAgo, int ready, Long oldestReady) {
    return new ArchiveFacts(true, "pg1", "main", 30, mode, "000000010000000000000041", 100L, lastFailedAgo == null ? 0 : 3,
        lastFailedAgo == null ? null : "000000010000000000000042", lastFailedAgo, ready, oldestReady, T);
  }

  private static PgBackRestBackup backup(String label, Duration ago) {
    long stop = NOW.minus(ago).getEpochSecond();
    return new PgBackRestBackup(label, "incr", stop - 30, stop, 1, 1, "a", "b", List.of(), null);
  }

  @Test
  void lagIsTheAgeOfTheOldestWaitingSegmentWithBothLimitsInclusive() {
    assertThat(ArchiveCheck.archiveLag(facts("on", null, 0, null)).severity()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(ArchiveCheck.archiveLag(facts("on", null, 2, 299L)).severity()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(ArchiveCheck.archiveLag(facts("on", null, 2, 300L)).severity()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(ArchiveCheck.archiveLag(facts("on", null, 2, 1799L)).severity()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(ArchiveCheck.archiveLag(facts("on", null, 9, 1800L)))
        .extracting(Finding::severity, Finding::message)
        .containsExactly(HealthStatus.UNHEALTHY, "WAL archive lag on pg1 is 1800 s: 9 WAL segment(s) waiting, the "
            + "oldest for 1800 s (degraded at 300 s, unhealthy at 1800 s); last archived 000000010000000000000041 100 s "
            + "ago, 0 failures in total, none since the last success");
  }

  @Test
  void anIdleClusterWhoseLastArchivedSegmentIsOldIsNotLagging() {
    ArchiveFacts idle = new ArchiveFacts(true, "pg1", "main", 30, "on", "000000010000000000000041", 86_400L, 0, null,
        null, 0, null, T);
    assertThat(ArchiveCheck.archiveLag(idle).severity()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void aFailureAfterTheLastSuccessDegradesEvenWithoutLag() {
    Finding f = ArchiveCheck.archiveLag(facts("on", 20L, 1, 20L));
    assertThat(f.severity()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(f.message()).contains("archiving FAILING: last failure 20 s ago (000000010000000000000042) after the "
        + "last success, 3 failures in total");
    // A failure older than the last success is history, not a problem.
    assertThat(ArchiveCheck.archiveLag(facts("on", 500L, 0, null)).severity()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void archiveModeOffWithAStanzaIsUnhealthy() {
    Finding f = ArchiveCheck.archiveLag(facts("off", null, 0, null));
    assertThat(f.severity()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(f.message()).startsWith("archive_mode is off on pg1 although pgBackRest stanza main is configured");
  }

  @Test
  void withoutPgMonitorTheLagIsUnknownAndOnlyFailuresCount() {
    assertThat(ArchiveCheck.archiveLag(facts("on", null, -1, null)))
        .extracting(Finding::severity).isEqualTo(HealthStatus.HEALTHY);
    assertThat(ArchiveCheck.archiveLag(facts("on", 5L, -1, null)).message()).startsWith("WAL archive lag unknown");
    assertThat(ArchiveCheck.archiveLag(facts("on", 5L, -1, null)).severity()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void theNewestPhysicalBackupByStopTimeIsJudged() {
    List<PgBackRestBackup> backups = List.of(backup("old", Duration.ofHours(100)), backup("new", Duration.ofHours(25)));
    Finding f = ArchiveCheck.backupAge("main", backups, T, NOW);
    assertThat(f.severity()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(f.message()).isEqualTo("newest physical backup of stanza main is new (incr), finished 25 h 0 min ago "
        + "(degraded at 26 h, unhealthy at 50 h); 2 backup(s) in the stanza");
    assertThat(ArchiveCheck.backupAge("main", List.of(backup("b", Duration.ofHours(26))), T, NOW).severity())
        .isEqualTo(HealthStatus.DEGRADED);
    assertThat(ArchiveCheck.backupAge("main", List.of(backup("b", Duration.ofHours(50))), T, NOW).severity())
        .isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void aStanzaWithoutBackupsIsUnhealthy() {
    Finding f = ArchiveCheck.backupAge("main", List.of(), T, NOW);
    assertThat(f.severity()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(f.message()).contains("has no physical backup");
  }

  @Test
  void applyWorsensTheVerdictAndNamesTheProblemsInTheSummary() {
    HealthVerdict v = ArchiveCheck.apply(HEALTHY, facts("on", null, 3, 400L), null,
        List.of(backup("b", Duration.ofHours(1))), null, NOW);
    assertThat(v.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(v.clusterFindings()).extracting(Finding::check).containsExactly("archive-lag", "physical-backup");
    assertThat(v.summary()).startsWith("main is healthy; WAL archive lag on pg1 is 400 s");
    assertThat(v.summary()).doesNotContain("physical backup");
  }

  @Test
  void aClusterWithoutPgBackRestIsLeftAsItIs() {
    assertThat(ArchiveCheck.apply(HEALTHY, ArchiveFacts.notConfigured(), null, null, null, NOW)).isSameAs(HEALTHY);
  }

  @Test
  void factsThatCouldNotBeReadDegrade() {
    HealthVerdict v = ArchiveCheck.apply(HEALTHY, null, "no reachable primary in cluster main", null, null, NOW);
    assertThat(v.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(v.clusterFindings()).extracting(Finding::message)
        .containsExactly("WAL archive lag and physical backup age not checked: no reachable primary in cluster main");
  }
}
