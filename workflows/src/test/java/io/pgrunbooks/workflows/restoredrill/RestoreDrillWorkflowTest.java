package io.pgrunbooks.workflows.restoredrill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every branch of RestoreDrill on fake activities: a passing drill, failed checks, a failed restore, objectives, bad input. */
class RestoreDrillWorkflowTest {
  private RestoreDrillRuns runs;
  private RestoreDrillFakes fakes;

  @BeforeEach
  void setUp() {
    runs = new RestoreDrillRuns(TestEnvironments.newEnvironment());
    fakes = runs.fakes;
  }

  @AfterEach
  void tearDown() {
    runs.env.close();
  }

  @Test
  void aPassingDrillRestoresTheNewestBackupChecksAndRemovesTheScratchInstance() {
    RestoreDrillResult r = runs.run(RestoreDrillInput.of("main", null, null));

    String scratch = RestoreDrillRules.scratchName(RestoreDrillRuns.ID);
    assertThat(fakes.calls).hasSize(7).startsWith("target main null", "sentinels app 0",
        "restore 20251207-054000F " + r.target() + " into " + scratch, "check 10.0.0.1:54321", "remove " + scratch);
    assertThat(fakes.calls.get(5)).startsWith("annotate 20251207-054000F " + RestoreDrillRuns.ID + "/");
    assertThat(fakes.calls.get(6)).startsWith("history archive/.pg-runbooks/restore-drills/main/");
    assertThat(r.passed()).isTrue();
    assertThat(r.backupLabel()).isEqualTo("20251207-054000F");
    assertThat(r.rtoSeconds()).isEqualTo(42.5);
    assertThat(r.rpoSeconds()).isEqualTo(12);
    assertThat(r.checks()).extracting(DrillCheck::name).containsExactly("recovery target reached",
        "sentinel before the target present", "sentinel after the target absent", "row counts", "amcheck");
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().summary()).contains("RTO 42.5 s").contains("RPO 12 s").contains("every check passed");
    assertThat(fakes.notifications).extracting(Notification::event).containsExactly("completed");
    assertThat(runs.reports.written).hasSize(1);
  }

  @Test
  void aPassedDrillMarksItsBackupProvenAndKeepsARecordInTheHistory() {
    RestoreDrillResult r = runs.run(RestoreDrillInput.of("main", null, null));

    DrillRecord record = fakes.records.get(0);
    assertThat(fakes.records).hasSize(1);
    assertThat(record.cluster()).isEqualTo("main");
    assertThat(record.backupLabel()).isEqualTo("20251207-054000F");
    assertThat(record.passed()).isTrue();
    assertThat(record.failedChecks()).isEmpty();
    assertThat(record.rtoSeconds()).isEqualTo(42.5);
    assertThat(record.rpoSeconds()).isEqualTo(12);
    assertThat(record.target()).isEqualTo(r.target());
    assertThat(record.workflowId()).isEqualTo(RestoreDrillRuns.ID);
    assertThat(java.time.Instant.parse(record.startedAt())).isNotNull();
    assertThat(r.report().changes()).anyMatch(c -> c.startsWith("marked backup 20251207-054000F as proven by this drill"))
        .anyMatch(c -> c.startsWith("drill history record archive/.pg-runbooks/restore-drills/main/"));
  }

  @Test
  void aFailedRestoreIsRecordedInTheHistoryButProvesNothing() {
    fakes.restoreFailure = "FATAL:  recovery ended before configured recovery target was reached";

    runs.run(RestoreDrillInput.of("main", null, null));

    assertThat(fakes.calls).noneMatch(c -> c.startsWith("annotate"));
    assertThat(fakes.records).singleElement().satisfies(d -> {
      assertThat(d.passed()).isFalse();
      assertThat(d.rtoSeconds()).isEqualTo(-1);
      assertThat(d.failedChecks()).containsExactly("restore");
    });
  }

  @Test
  void aDrillThatOnlyMissedAnObjectiveStillProvesTheBackup() {
    fakes.rtoObjective = 30;

    runs.run(RestoreDrillInput.of("main", null, null));

    assertThat(fakes.calls).anyMatch(c -> c.startsWith("annotate 20251207-054000F"));
    assertThat(fakes.records).singleElement().satisfies(d -> {
      assertThat(d.passed()).isFalse();
      assertThat(d.failedChecks()).containsExactly("RTO objective");
    });
  }

  @Test
  void aBackupThatCannotBeAnnotatedLeavesTheVerdictStandingAndSaysSo() {
    fakes.annotateFailure = "ERROR: [055]: unable to load info file";

    RestoreDrillResult r = runs.run(RestoreDrillInput.of("main", null, null));

    assertThat(r.passed()).isTrue();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().log()).anyMatch(l -> l.startsWith("backup 20251207-054000F not marked as proven")
        && l.contains("unable to load info file"));
    assertThat(fakes.records).hasSize(1);
  }

  @Test
  void anExplicitTargetRestoresTheNewestBackupThatEndedBeforeIt() {
    RestoreDrillResult r = runs.run(RestoreDrillInput.of("main", "2025-12-06T12:00:00+01:00", "app"));

    assertThat(r.backupLabel()).isEqualTo("20251206-054000F");
    assertThat(r.target()).isEqualTo("2025-12-06 11:00:00.000000+00");
    assertThat(fakes.calls.get(1)).isEqualTo("sentinels app " + 1_765_018_800_000_000L);
    assertThat(r.checks()).extracting(DrillCheck::name).doesNotContain("sentinel before the target present");
  }

  @Test
  void anAfterSentinelInTheRestoreIsACriticalFindingAndTheScratchIsStillRemoved() {
    fakes.facts = new DrillFacts(false, 2, true, true, 0, List.of(), 0, 3, List.of());

    RestoreDrillResult r = runs.run(RestoreDrillInput.of("main", null, null));

    assertThat(r.passed()).isFalse();
    assertThat(fakes.calls).filteredOn(c -> !c.startsWith("history")).last().asString().startsWith("remove drill-");
    assertThat(fakes.notifications).singleElement().satisfies(n -> {
      assertThat(n.event()).isEqualTo(Notification.FINDINGS);
      assertThat(n.severity()).isEqualTo(Notification.CRITICAL);
      assertThat(n.text()).contains("sentinel after the target absent").contains("recovery went past the target");
    });
  }

  @Test
  void aRestoreThatNeverReachesTheTargetIsACriticalFindingWithTheServersReason() {
    fakes.restoreFailure = "FATAL:  recovery ended before configured recovery target was reached";

    RestoreDrillResult r = runs.run(RestoreDrillInput.of("main", null, null));

    assertThat(r.passed()).isFalse();
    assertThat(r.rtoSeconds()).isEqualTo(-1);
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("check")).filteredOn(c -> !c.startsWith("history")).last()
        .asString().startsWith("remove drill-");
    assertThat(r.checks()).filteredOn(c -> c.name().equals("restore")).singleElement()
        .satisfies(c -> assertThat(c.detail()).contains("recovery ended before configured recovery target"));
    assertThat(fakes.notifications).singleElement().extracting(Notification::severity).isEqualTo(Notification.CRITICAL);
    assertThat(r.report().steps()).filteredOn(s -> s.name().equals("remove scratch")).singleElement()
        .extracting(StepRecord::status).isEqualTo(StepRecord.DONE);
  }

  @Test
  void aCheckThatFailsStillRemovesTheScratchInstanceAndFailsTheRun() {
    fakes.checkFailure = "permission denied";

    assertThatThrownBy(() -> runs.run(RestoreDrillInput.of("main", null, null)))
        .isInstanceOf(WorkflowFailedException.class);

    assertThat(fakes.calls).last().asString().startsWith("remove drill-");
  }

  @Test
  void rtoAndRpoOverTheirObjectivesAreAWarning() {
    fakes.rtoObjective = 30;
    fakes.rpoObjective = 10;

    RestoreDrillResult r = runs.run(RestoreDrillInput.of("main", null, null));

    assertThat(r.passed()).isFalse();
    assertThat(r.checks()).filteredOn(c -> !c.ok()).extracting(DrillCheck::detail)
        .containsExactly("RTO 42.5 s, objective 30 s", "RPO 12 s, objective 10 s");
    assertThat(fakes.notifications).singleElement().extracting(Notification::severity).isEqualTo(Notification.WARNING);
  }

  @Test
  void aDryRunListsThePlanAndChangesNothing() {
    RestoreDrillResult r = runs.run(new RestoreDrillInput("main", null, null, true, "alice", "plan"));

    assertThat(fakes.calls).containsExactly("target main null");
    assertThat(r.report().plan()).anyMatch(p -> p.contains("--set=20251207-054000F"));
    assertThat(r.report().changes()).isEmpty();
  }

  @Test
  void aTargetInTheFutureFailsBeforeAnyActivity() {
    assertThatThrownBy(() -> runs.run(RestoreDrillInput.of("main", "2999-01-01T00:00:00Z", null)))
        .isInstanceOf(WorkflowFailedException.class)
        .cause().isInstanceOf(ApplicationFailure.class).hasMessageContaining("is in the future");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aTargetThatIsNoTimeFailsBeforeAnyActivity() {
    assertThatThrownBy(() -> runs.run(RestoreDrillInput.of("main", "yesterday", null)))
        .cause().hasMessageContaining("not an ISO-8601 time");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aTargetBeforeTheOldestBackupEndedFailsBeforeAnyChange() {
    assertThatThrownBy(() -> runs.run(RestoreDrillInput.of("main", "2025-12-06T05:00:00Z", null)))
        .cause().hasMessageContaining("before the oldest backup 20251206-054000F");
    assertThat(fakes.calls).containsExactly("target main null");
  }

  @Test
  void aClusterWithoutBackupsFailsBeforeAnyChange() {
    fakes.repo.clear();

    assertThatThrownBy(() -> runs.run(RestoreDrillInput.of("main", null, null)))
        .cause().hasMessageContaining("has no physical backup to restore");
    assertThat(fakes.calls).containsExactly("target main null");
  }

  @Test
  void anUnknownClusterIsBadInput() {
    assertThatThrownBy(() -> runs.run(RestoreDrillInput.of("nope", null, null)))
        .cause().cause().hasMessageContaining("unknown cluster 'nope'");
  }
}
