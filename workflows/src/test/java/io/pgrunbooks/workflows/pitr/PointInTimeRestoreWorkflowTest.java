package io.pgrunbooks.workflows.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillFakes;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillRules;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PointInTimeRestore on fakes: into scratch, the keepFor timer, release, cancel, refused inputs. */
class PointInTimeRestoreWorkflowTest {
  /**
   * Where the tests signal or cancel a kept run: between two of its progress timers ({@link PitrRules#PROGRESS_TICK}),
   * never on one. A cancel at the very instant a timer fired made the test server reject the run's workflow task
   * ("invalid history builder state for action": the cancel of a timer it had just fired) and the run hung.
   */
  private static final Duration BETWEEN_TICKS = PitrRules.PROGRESS_TICK.dividedBy(2).plusSeconds(7);

  private static final String SCRATCH = RestoreDrillRules.scratchName(PointInTimeRestoreRuns.ID);

  private PointInTimeRestoreRuns runs;
  private RestoreDrillFakes fakes;

  @BeforeEach
  void setUp() {
    runs = new PointInTimeRestoreRuns(TestEnvironments.newEnvironment());
    fakes = runs.fakes;
  }

  @AfterEach
  void tearDown() {
    runs.env.close();
  }

  @Test
  void aTimeTargetIsRestoredIntoScratchKeptForTheDefaultDayAndRemoved() {
    PointInTimeRestoreResult r = runs.run(PointInTimeRestoreInput.toTime("main", "2025-12-07T12:00:00+01:00"));

    assertThat(fakes.calls).containsExactly("target main null",
        "restore 20251207-054000F 2025-12-07 11:00:00.000000+00 into " + SCRATCH, "remove " + SCRATCH);
    assertThat(r.host()).isEqualTo("10.0.0.1");
    assertThat(r.port()).isEqualTo(54321);
    assertThat(r.dataDir()).endsWith("/pg-runbooks-drills/" + SCRATCH);
    assertThat(r.reached()).contains("recovery stopping before commit of transaction 730");
    assertThat(r.releasedBy()).isNull();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().summary()).contains("10.0.0.1:54321").contains("removed after keepFor");
    assertThat(r.report().durationMillis()).isGreaterThanOrEqualTo(Duration.ofHours(24).toMillis());
    assertThat(Duration.between(r.report().startedAt(), Instant.parse(r.keptUntil())))
        .isBetween(Duration.ofHours(24), Duration.ofHours(24).plusMinutes(1));
    assertThat(r.report().steps()).extracting(StepRecord::name).contains("verify", "remove scratch");
  }

  @Test
  void theProgressQueryShowsWhereTheInstanceListensAndTheTimeLeftAndReleaseRemovesItEarly() {
    PointInTimeRestoreWorkflow stub = runs.start(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null,
        null, "scratch", null, "2h", false, "alice", null));
    runs.env.sleep(BETWEEN_TICKS.plus(Duration.ofMinutes(20)));

    Progress p = stub.progress();
    assertThat(p.currentStep()).startsWith("keep 10.0.0.1:54321 until ");
    assertThat(p.log()).anySatisfy(l -> assertThat(l).matches(
        "scratch instance kept for about another 1h [234]\\dm \\(until .*Z\\); signal release to remove it now"));
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("remove"));

    stub.release("bob");
    PointInTimeRestoreResult r = WorkflowStub.fromTyped(stub).getResult(PointInTimeRestoreResult.class);

    assertThat(r.releasedBy()).isEqualTo("bob");
    assertThat(r.report().summary()).contains("released by bob and removed");
    assertThat(r.report().durationMillis()).isLessThan(Duration.ofHours(1).toMillis());
    assertThat(fakes.calls).last().isEqualTo("remove " + SCRATCH);
  }

  @Test
  void cancellingWhileKeptRemovesTheScratchInstance() {
    PointInTimeRestoreWorkflow stub = runs.start(PointInTimeRestoreInput.toTime("main", "2025-12-07T12:00:00Z"));
    runs.env.sleep(BETWEEN_TICKS);

    WorkflowStub.fromTyped(stub).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(stub).getResult(PointInTimeRestoreResult.class))
        .isInstanceOf(WorkflowFailedException.class).hasCauseInstanceOf(CanceledFailure.class);
    assertThat(fakes.calls).last().isEqualTo("remove " + SCRATCH);
  }

  @Test
  void anLsnTargetIsPassedAsTypeLsnAndItsStopLineIsTheProof() {
    fakes.recoveryStop = "LOG:  recovery stopping after WAL location (LSN) \"1/50000060\"";

    PointInTimeRestoreResult r = runs.run(new PointInTimeRestoreInput("main", null, "1/50000060", null, null, null,
        "1h", false, null, null));

    assertThat(fakes.calls).contains("restore 20251207-054000F lsn 1/50000060 into " + SCRATCH);
    assertThat(r.targetType()).isEqualTo("lsn");
    assertThat(r.reached()).contains("1/50000060");
  }

  @Test
  void recoveryThatStoppedWithoutReachingTheTargetFailsTheRunAndRemovesTheScratch() {
    fakes.recoveryStop = null;

    assertThatThrownBy(() -> runs.run(PointInTimeRestoreInput.toTime("main", "2025-12-07T12:00:00Z")))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause().hasMessageContaining("names no recovery stop point");
    assertThat(fakes.calls).last().isEqualTo("remove " + SCRATCH);
  }

  @Test
  void aDryRunPlansTheRestoreAndChangesNothing() {
    PointInTimeRestoreResult r = runs.run(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null, null,
        null, null, null, true, "alice", null));

    assertThat(fakes.calls).containsExactly("target main null");
    assertThat(r.report().plan()).singleElement().asString().contains("--type=time")
        .contains("--set=20251207-054000F");
  }

  @Test
  void aTargetInTheFutureIsRefusedBeforeAnyCall() {
    String future = Instant.now().plus(Duration.ofDays(3650)).toString();

    assertRefused(PointInTimeRestoreInput.toTime("main", future), "is in the future");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void twoTargetKindsAreRefused() {
    assertRefused(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", "0/5000060", null, null, null, null,
        false, null, null), "give exactly one of targetTime, targetLsn and targetName");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aTargetBeforeTheOldestBackupEndedIsRefusedBeforeAnyRestore() {
    assertRefused(PointInTimeRestoreInput.toTime("main", "2025-12-01T00:00:00Z"), "is before the oldest backup "
        + "20251206-054000F of cluster main ended");
    assertThat(fakes.calls).containsExactly("target main null");
  }

  @Test
  void thePrimaryAsIntoNodeIsRefused() {
    assertRefused(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null, null, "node", "pg1", null,
        false, null, null), "node pg1 is the primary of cluster main");
    assertThat(fakes.calls).containsExactly("target main null");
  }

  @Test
  void anUnknownNodeIsRefused() {
    assertRefused(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null, null, "node", "pg9", null,
        false, null, null), "unknown node 'pg9'");
  }

  private void assertRefused(PointInTimeRestoreInput input, String sentence) {
    assertThatThrownBy(() -> runs.run(input)).isInstanceOf(WorkflowFailedException.class).rootCause()
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo("BadInput");
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains(sentence);
        });
  }
}
