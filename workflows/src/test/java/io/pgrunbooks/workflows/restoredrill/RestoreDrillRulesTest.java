package io.pgrunbooks.workflows.restoredrill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreDrillRulesTest {
  private static PgBackRestBackup backup(String label, long stop) {
    return new PgBackRestBackup(label, "full", stop - 60, stop, 1, 1, null, null, List.of(), null);
  }

  @Test
  void targetsAreIsoTimesWithAnOffsetKeptToTheMicrosecond() {
    long t = RestoreDrillRules.parseTarget("2026-12-06T15:02:00.123456+01:00");

    assertThat(RestoreDrillRules.targetText(t)).isEqualTo("2026-12-06 14:02:00.123456+00");
    assertThat(RestoreDrillRules.parseTarget("2026-12-06 14:02:00Z")).isEqualTo(t - 123_456);
    assertThat(RestoreDrillRules.parseTarget(" ")).isZero();
    assertThatThrownBy(() -> RestoreDrillRules.parseTarget("2026-12-06T14:02:00"))
        .hasMessageContaining("not an ISO-8601 time with an offset");
  }

  @Test
  void theBackupIsTheNewestThatEndedAtOrBeforeTheTarget() {
    List<PgBackRestBackup> backups = List.of(backup("b", 2000), backup("a", 1000), backup("c", 3000));

    assertThat(RestoreDrillRules.chooseBackup(backups, 2_500_000_000L, "main").label()).isEqualTo("b");
    assertThat(RestoreDrillRules.chooseBackup(backups, 2_000_000_000L, "main").label()).isEqualTo("b");
    assertThat(RestoreDrillRules.chooseBackup(backups, 0, "main").label()).isEqualTo("c");
    assertThatThrownBy(() -> RestoreDrillRules.chooseBackup(backups, 999_999_999L, "main"))
        .hasMessageContaining("before the oldest backup a of cluster main ended");
    assertThatThrownBy(() -> RestoreDrillRules.chooseBackup(List.of(), 0, "main"))
        .hasMessageContaining("no physical backup");
  }

  @Test
  void scratchNamesAreSafeStableAndDistinct() {
    String a = RestoreDrillRules.scratchName("restore-drill:main");
    String b = RestoreDrillRules.scratchName("restore-drill:main-2026-12-06T00:00:00Z/../../etc");

    assertThat(a).matches("drill-[a-z0-9-]+").isEqualTo(RestoreDrillRules.scratchName("restore-drill:main"));
    assertThat(b).matches("drill-[a-z0-9-]+").hasSizeLessThanOrEqualTo(6 + 48 + 9);
    assertThat(RestoreDrillRules.scratchName("restore-drill:Main")).isNotEqualTo(a);
  }

  @Test
  void onlyTablesWhoseCountersDidNotMoveAreCompared() {
    assertThat(RestoreDrillRules.unwrittenTables(Map.of("public.a", 5L, "public.b", 7L, "public.c", 1L),
        Map.of("public.a", 5L, "public.b", 8L))).containsExactly("public.a");
  }

  @Test
  void onlyMissedObjectivesAreAWarningAndAnythingElseIsCritical() {
    DrillTarget t = new DrillTarget("pg1", "h", "main", "app", 60, 30, 5);
    List<DrillCheck> objectives = RestoreDrillRules.objectives(61, 10, t);

    assertThat(objectives).extracting(DrillCheck::ok).containsExactly(false, true);
    assertThat(RestoreDrillRules.severity(objectives)).isEqualTo("warning");
    assertThat(RestoreDrillRules.severity(List.of(new DrillCheck("amcheck", false, "x"), objectives.get(0))))
        .isEqualTo("critical");
    assertThat(RestoreDrillRules.severity(List.of(objectives.get(1)))).isNull();
    assertThat(RestoreDrillRules.objectives(1000, -1, new DrillTarget("pg1", "h", "main", "app", 0, 0, 5))).isEmpty();
  }

  @Test
  void theChecksProveTheSentinelsAndReportWhatDiffered() {
    SentinelFacts s = new SentinelFacts(3, "w", 0, 1, "t", 7, 8, 2, Map.of());
    DrillInstance i = new DrillInstance("/d", 1, 1, 2, "recovery stopping before commit");
    DrillFacts good = new DrillFacts(false, 2, true, false, 2, List.of(new TableCheck("public.a", 3, 3)), 0, 1, List.of());
    DrillFacts bad = new DrillFacts(true, 0, false, true, 1, List.of(new TableCheck("public.a", 3, 2)), 0, 1,
        List.of("public.a_pkey: corrupt"));

    assertThat(RestoreDrillRules.checks(s, i, good)).allMatch(DrillCheck::ok);
    assertThat(RestoreDrillRules.checks(s, i, bad)).noneMatch(DrillCheck::ok)
        .extracting(DrillCheck::detail).anyMatch(d -> d.contains("public.a primary 3 restored 2"))
        .anyMatch(d -> d.contains("corrupt"));
  }
}
