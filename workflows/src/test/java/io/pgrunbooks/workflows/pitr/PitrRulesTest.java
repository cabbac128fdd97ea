package io.pgrunbooks.workflows.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.NodeRole;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decisions of PointInTimeRestore without Temporal or servers. */
class PitrRulesTest {
  /** 2026-12-06T12:00:00Z */
  private static final long NOW = 1_796_558_400_000_000L;
  private static final List<PgBackRestBackup> BACKUPS = List.of(
      backup("20261201-010000F", 1_796_086_800L, "000000010000000100000010"),
      backup("20261205-010000F", 1_796_432_400L, "000000010000000300000004"));

  private static PgBackRestBackup backup(String label, long stop, String walStop) {
    return new PgBackRestBackup(label, "full", stop - 600, stop, 1, 1, "000000010000000100000001", walStop,
        List.of(), null);
  }

  private static PointInTimeRestoreInput in(String time, String lsn, String name, String into, String node,
                                            String keep) {
    return new PointInTimeRestoreInput("main", time, lsn, name, into, node, keep, false, null, null);
  }

  @Test
  void aPlainTimeTargetIntoTheDefaultScratchHasNoProblems() {
    PointInTimeRestoreInput input = in("2026-12-06T11:59:00+00:00", null, null, null, null, null);

    assertThat(PitrRules.problems(input, NOW)).isEmpty();
    assertThat(PitrRules.into(input)).isEqualTo("scratch");
    assertThat(PitrRules.keepFor(input)).isEqualTo(Duration.ofHours(24));
    assertThat(PitrRules.target(input)).isEqualTo(new PitrTarget("time", "2026-12-06 11:59:00.000000+00",
        1_796_558_340_000_000L, -1));
  }

  @Test
  void everyProblemOfABadInputIsNamedAtOnce() {
    List<String> p = PitrRules.problems(new PointInTimeRestoreInput(" ", null, null, null, "elsewhere", null, "soon",
        false, null, null), NOW);

    assertThat(p).containsExactly(
        "cluster is required, e.g. {\"cluster\": \"main\", \"targetTime\": \"2026-12-06T14:01:59Z\"}",
        "a target is required: targetTime (e.g. 2026-12-06T14:01:59Z), targetLsn (e.g. 0/5000060) or targetName "
            + "(a restore point)",
        "into must be scratch, node or inPlace, not 'elsewhere'",
        "keepFor is not a duration (30m, 24h, 2d, PT8H): 'soon'");
  }

  @Test
  void aFutureTimeTwoTargetsAndUnreadableTargetsAreRefused() {
    assertThat(PitrRules.problems(in("2026-12-06T12:00:01Z", null, null, null, null, null), NOW))
        .singleElement().asString().startsWith("targetTime 2026-12-06 12:00:01.000000+00 is in the future");
    assertThat(PitrRules.problems(in("2026-12-06T11:00:00Z", null, "before-upgrade", null, null, null), NOW))
        .containsExactly("give exactly one of targetTime, targetLsn and targetName, not 2");
    assertThat(PitrRules.problems(in("yesterday", null, null, null, null, null), NOW)).singleElement().asString()
        .startsWith("targetTime 'yesterday' is not an ISO-8601 time with an offset");
    assertThat(PitrRules.problems(in(null, "5000060", null, null, null, null), NOW)).singleElement().asString()
        .startsWith("targetLsn '5000060' is not a WAL location like 0/5000060");
    assertThat(PitrRules.problems(in(null, null, "drop table;", null, null, null), NOW)).singleElement().asString()
        .startsWith("targetName 'drop table;' is not a restore point name");
  }

  @Test
  void intoNodeNeedsANodeScratchAndInPlaceTakeNone() {
    assertThat(PitrRules.problems(in(null, "0/5000060", null, "node", null, null), NOW))
        .containsExactly("into: node needs node, the replica whose data directory the restore replaces");
    assertThat(PitrRules.problems(in(null, "0/5000060", null, null, "pg2", null), NOW))
        .containsExactly("node is only for into: node; into: scratch restores beside the primary (leave node out)");
    assertThat(PitrRules.problems(in(null, "0/5000060", null, "inPlace", null, null), NOW)).isEmpty();
    assertThat(PitrRules.problems(in(null, "0/5000060", null, "inPlace", "pg2", null), NOW))
        .containsExactly("node is only for into: node; into: inPlace restores the primary (leave node out)");
    assertThat(PitrRules.problems(in(null, "0/5000060", null, null, null, "0m"), NOW))
        .containsExactly("keepFor must be positive, got '0m'");
  }

  @Test
  void anLsnTargetIsNormalisedAndPicksTheNewestBackupConsistentBeforeIt() {
    PitrTarget t = PitrRules.target(in(null, "3/5000060", null, null, null, null));

    assertThat(t).isEqualTo(new PitrTarget("lsn", "3/5000060", 0, 0x3_0500_0060L));
    assertThat(PitrRules.chooseBackup(BACKUPS, t, "main").label()).isEqualTo("20261205-010000F");
    PitrTarget early = PitrRules.target(in(null, "2/a0", null, null, null, null));
    assertThat(early.value()).isEqualTo("2/A0");
    assertThat(PitrRules.chooseBackup(BACKUPS, early, "main").label()).isEqualTo("20261201-010000F");
    assertThatThrownBy(() -> PitrRules.chooseBackup(BACKUPS, PitrRules.target(in(null, "1/10FFFFFF", null, null,
        null, null)), "main")).hasMessage("targetLsn 1/10FFFFFF is before the oldest backup 20261201-010000F of "
        + "cluster main became consistent (WAL up to segment 000000010000000100000010); no backup can be restored to it");
  }

  @Test
  void theEndOfAWalSegmentIsTheStartOfTheNextOne() {
    assertThat(PitrRules.walEnd("000000010000000100000010")).isEqualTo(0x1_1100_0000L);
    assertThat(PitrRules.walEnd("00000001000000010000000F")).isEqualTo(0x1_1000_0000L);
    assertThat(PitrRules.walEnd("garbage")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aTimeTargetPicksTheNewestBackupThatEndedBeforeItAndARestorePointTheOldest() {
    PitrTarget time = PitrRules.target(in("2026-12-06T00:00:00Z", null, null, null, null, null));
    assertThat(PitrRules.chooseBackup(BACKUPS, time, "main").label()).isEqualTo("20261205-010000F");
    PitrTarget name = PitrRules.target(in(null, null, "before-upgrade", null, null, null));
    assertThat(PitrRules.chooseBackup(BACKUPS, name, "main").label()).isEqualTo("20261201-010000F");
    assertThatThrownBy(() -> PitrRules.chooseBackup(List.of(), name, "main"))
        .hasMessageContaining("has no physical backup to restore");
  }

  @Test
  void theRecoveryStopLineMustMatchTheTargetKind() {
    PitrTarget time = PitrRules.target(in("2026-12-06T00:00:00Z", null, null, null, null, null));
    PitrTarget lsn = PitrRules.target(in(null, "0/5000060", null, null, null, null));
    PitrTarget name = PitrRules.target(in(null, null, "before-upgrade", null, null, null));

    assertThat(PitrRules.notReached(time, "LOG:  recovery stopping before commit of transaction 731, time "
        + "2026-12-06 00:00:00.5+00")).isNull();
    assertThat(PitrRules.notReached(lsn, "LOG:  recovery stopping after WAL location (LSN) \"0/5000060\"")).isNull();
    assertThat(PitrRules.notReached(name, "LOG:  recovery stopping at restore point \"before-upgrade\", time x"))
        .isNull();
    assertThat(PitrRules.notReached(name, "LOG:  recovery stopping at restore point \"other\", time x"))
        .startsWith("recovery stopped somewhere else than name before-upgrade");
    assertThat(PitrRules.notReached(time, null)).contains("names no recovery stop point");
  }

  @Test
  void intoNodeNeverReplacesThePrimaryOrAnUnknownNode() {
    Topology t = new Topology("main", List.of(new NodeRole("pg1", "h1", 5432, true, false, null),
        new NodeRole("pg2", "h2", 5432, true, true, null)), "pg1", null, null, -1, null, false, false, 0);

    assertThat(PitrRules.nodeRefusal(t, "pg2")).isNull();
    assertThat(PitrRules.nodeRefusal(t, "pg1")).startsWith("node pg1 is the primary of cluster main");
    assertThat(PitrRules.nodeRefusal(t, "pg7")).isEqualTo("node pg7 is not a node of cluster main (nodes: pg1, pg2)");
  }

  @Test
  void timeLeftIsShownInHoursOrMinutes() {
    assertThat(PitrRules.left(0, Duration.ofHours(23).plusMinutes(5).toMillis())).isEqualTo("23h 05m");
    assertThat(PitrRules.left(0, 250_000)).isEqualTo("4m 10s");
    assertThat(PitrRules.left(10, 0)).isEqualTo("0m 00s");
  }

  @Test
  void inPlaceNeedsTwoPeopleAndNoPreApproval() {
    assertThat(PitrRules.inPlaceApprovalRefusal(2)).isNull();
    assertThat(PitrRules.inPlaceApprovalRefusal(1)).contains("add PointInTimeRestore to approvals.twoPersonRunbooks");
    assertThat(PitrRules.inPlaceApprovalRefusal(-1)).contains("pre-approved");
  }

  @Test
  void theLossNamesTheTargetAndThePrimarysCurrentPosition() {
    PitrTarget time = PitrRules.target(in("2025-12-07T12:00:00Z", null, null, null, null, null));
    assertThat(PitrRules.loss(time, "pg1", "0/9000060", "2025-12-07T13:00:00Z", "00000001")).isEqualTo(
        "every transaction committed after 2025-12-07 12:00:00.000000+00 up to pg1's current position 0/9000060 "
            + "(timeline 00000001, 2025-12-07T13:00:00Z): those commits disappear from the cluster (they stay in the "
            + "repository on timeline 00000001)");
  }

  @Test
  void anInPlaceRestoreOnTheOldTimelineIsNotVerified() {
    PitrTarget lsn = PitrRules.target(in(null, "0/5000060", null, null, null, null));
    String stop = "LOG:  recovery stopping after WAL location (LSN) \"0/5000060\"";
    assertThat(PitrRules.inPlaceNotVerified(lsn, new PitrNodeActivities.NodeRestore("/d", 1, 1, stop, "0/6000000",
        "00000002", "000000020000000000000006"), "00000001")).isNull();
    assertThat(PitrRules.inPlaceNotVerified(lsn, new PitrNodeActivities.NodeRestore("/d", 1, 1, stop, "0/6000000",
        "00000001", "000000010000000000000006"), "00000001")).contains("not on a new one after 00000001");
  }
}
