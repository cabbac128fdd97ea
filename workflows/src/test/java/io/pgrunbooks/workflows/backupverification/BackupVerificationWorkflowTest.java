package io.pgrunbooks.workflows.backupverification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pgrunbooks.workflows.backup.BackupFakes;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupRuns;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every branch of BackupVerification on mocked activities; the scratch database is dropped in each. */
class BackupVerificationWorkflowTest {
  private static final Instant NOW = Instant.now();

  private BackupRuns runs;

  @BeforeEach
  void setUp() {
    runs = new BackupRuns(TestEnvironments.newEnvironment());
  }

  @AfterEach
  void tearDown() {
    runs.env.close();
  }

  @Test
  void newestCompleteBackupVerifiesByDefaultAndItsAgeIsASearchAttribute() {
    runs.store.add(NOW.minus(Duration.ofDays(1)), true);
    String newest = runs.store.add(NOW.minus(Duration.ofMinutes(5 * 60 + 30)), null);
    runs.store.addUnfinished(NOW.minus(Duration.ofMinutes(10)));
    BackupVerificationWorkflow run = runs.start().verification();

    BackupVerificationResult r = run.run(BackupVerificationInput.of("main", "app", null));

    assertThat(r.passed()).isTrue();
    assertThat(r.backupKey()).isEqualTo(newest);
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.backupAgeSeconds() / 3600).isEqualTo(5);
    String scratch = r.scratchDatabase();
    assertThat(scratch).startsWith("pgrb_verify_");
    assertThat(runs.postgres.calls).containsExactly("restore " + newest + "dump.pgdump into " + scratch + " with 4 jobs",
        "count " + scratch, "amcheck " + scratch);
    assertThat(runs.postgres.dropped).containsExactly(scratch);
    assertThat(runs.postgres.scratchExisting).isEmpty();
    assertThat(r.report().changes()).contains("created and dropped scratch database " + scratch);
    assertThat(runs.store.recorded).singleElement().satisfies(v -> {
      assertThat(v.backupKey()).isEqualTo(newest);
      assertThat(v.record().passed()).isTrue();
    });
    assertThat(WorkflowStub.fromTyped(run).describe().getTypedSearchAttributes().get(SearchAttributes.BACKUP_AGE_HOURS))
        .isEqualTo(5L);
  }

  @Test
  void checksumMismatchFailsWithTheReasonDropsTheScratchAndSetsNoAge() {
    String key = runs.store.add(NOW.minus(Duration.ofHours(2)), null);
    runs.postgres.restoreMode = "checksum";
    BackupVerificationWorkflow run = runs.start().verification();

    ApplicationFailure f = notVerified(() -> run.run(BackupVerificationInput.of("main", "app", key)));

    assertThat(f.getOriginalMessage()).contains("did not verify").contains("checksum mismatch")
        .contains("0badc0de");
    BackupVerificationResult r = f.getDetails().get(BackupVerificationResult.class);
    assertThat(r.passed()).isFalse();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.FAILED);
    assertThat(runs.postgres.dropped).containsExactly(r.scratchDatabase());
    assertThat(runs.postgres.calls).noneMatch(c -> c.startsWith("count"));
    assertThat(runs.store.recorded).singleElement().satisfies(v -> assertThat(v.record().passed()).isFalse());
    assertThat(WorkflowStub.fromTyped(run).describe().getTypedSearchAttributes()
        .get(SearchAttributes.BACKUP_AGE_HOURS)).isNull();
  }

  @Test
  void countMismatchFailsNamingTheTable() {
    String key = runs.store.add(NOW.minus(Duration.ofHours(2)), null);
    runs.postgres.restoredCounts.put("public.orders", 999L);

    ApplicationFailure f = notVerified(() -> runs.start().verification().run(BackupVerificationInput.of("main", "app", key)));

    assertThat(f.getOriginalMessage()).contains("row counts differ from the manifest: public.orders: manifest 1000 rows,"
        + " restored 999");
    BackupVerificationResult r = f.getDetails().get(BackupVerificationResult.class);
    assertThat(r.differences()).containsExactly("public.orders: manifest 1000 rows, restored 999");
    assertThat(runs.postgres.dropped).containsExactly(r.scratchDatabase());
    assertThat(runs.store.recorded.get(0).record().differences()).containsExactly(
        "public.orders: manifest 1000 rows, restored 999");
  }

  @Test
  void amcheckCorruptionFailsTheVerification() {
    String key = runs.store.add(NOW.minus(Duration.ofHours(2)), null);
    runs.postgres.amcheckPasses = false;

    ApplicationFailure f = notVerified(() -> runs.start().verification().run(BackupVerificationInput.of("main", "app", key)));

    assertThat(f.getOriginalMessage()).contains("pg_amcheck found corruption: heap table \"app.public.orders\"");
    assertThat(runs.postgres.scratchExisting).isEmpty();
  }

  @Test
  void failedRestoreStillDropsTheScratchDatabaseAndTheReportSaysSo() {
    String key = runs.store.add(NOW.minus(Duration.ofHours(2)), null);
    runs.postgres.restoreMode = "fail";

    ApplicationFailure f = notVerified(() -> runs.start().verification().run(BackupVerificationInput.of("main", "app", key)));

    assertThat(f.getOriginalMessage()).contains("pg_restore failed (exit 1)").contains("postgis");
    BackupVerificationResult r = f.getDetails().get(BackupVerificationResult.class);
    assertThat(r.scratchDropped()).isTrue();
    assertThat(runs.postgres.dropped).containsExactly(r.scratchDatabase());
    assertThat(runs.postgres.scratchExisting).isEmpty();
    assertThat(r.report().steps()).anySatisfy(s -> {
      assertThat(s.name()).isEqualTo("drop scratch database");
      assertThat(s.detail()).isEqualTo("dropped " + r.scratchDatabase());
    });
    assertThat(r.report().changes()).contains("created and dropped scratch database " + r.scratchDatabase());
  }

  @Test
  void cancellationMidRestoreWaitsForTheRestoreToStopThenDropsTheScratch() throws Exception {
    String key = runs.store.add(NOW.minus(Duration.ofHours(2)), null);
    runs.postgres.restoreMode = "block";
    BackupVerificationWorkflow run = runs.start().verification();
    CompletableFuture<BackupVerificationResult> result = WorkflowClient.execute(run::run,
        BackupVerificationInput.of("main", "app", key));
    assertThat(runs.postgres.restoreStarted.await(10, TimeUnit.SECONDS)).isTrue();

    WorkflowStub.fromTyped(run).cancel();
    TestEnvironments.awaitTrue(() -> WorkflowStub.fromTyped(run).describe().getRawDescription()
        .getPendingActivitiesList().stream()
        .anyMatch(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED),
        "the restore's cancellation is requested");
    assertThat(runs.postgres.dropped).as("not dropped while pg_restore still runs").isEmpty();
    runs.postgres.releaseRestore.countDown();

    Throwable e = catchThrowable(result::join);
    assertThat(e.getCause()).isInstanceOf(WorkflowFailedException.class).hasCauseInstanceOf(CanceledFailure.class);
    assertThat(runs.postgres.dropped).singleElement().asString().startsWith("pgrb_verify_");
    assertThat(runs.postgres.scratchExisting).isEmpty();
    assertThat(runs.store.recorded).isEmpty();
  }

  @Test
  void noCompleteBackupIsBadInputBeforeAnythingIsRestored() {
    runs.store.addUnfinished(NOW.minus(Duration.ofHours(1)));

    WorkflowFailedException e = catchThrowableOfType(WorkflowFailedException.class,
        () -> runs.start().verification().run(BackupVerificationInput.of("main", "app", null)));

    ApplicationFailure f = (ApplicationFailure) e.getCause();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(f.getOriginalMessage()).isEqualTo("no complete backup of app in main to verify");
    assertThat(runs.postgres.calls).isEmpty();
    assertThat(runs.postgres.dropped).isEmpty();
  }

  @Test
  void aBackupOfAnotherDatabaseIsBadInputAndSetsNoAge() {
    String key = runs.store.add(NOW.minus(Duration.ofHours(1)), null);
    BackupManifest m = runs.store.manifests.get(key);
    runs.store.manifests.put(key, new BackupManifest(m.format(), m.cluster(), "billing", m.node(), m.role(),
        m.serverVersion(), m.pgDumpVersion(), m.snapshotTime(), m.lsn(), m.tables(), m.dumpKey(), m.dumpBytes(),
        m.sha256(), m.workflowId(), m.runId(), m.startedAt(), m.finishedAt()));

    WorkflowFailedException e = catchThrowableOfType(WorkflowFailedException.class,
        () -> runs.start().verification().run(BackupVerificationInput.of("main", "app", key)));

    ApplicationFailure f = (ApplicationFailure) e.getCause();
    assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(f.getOriginalMessage()).isEqualTo("backup " + key + " is a backup of main/billing, not of main/app");
    assertThat(runs.postgres.calls).isEmpty();
    assertThat(runs.store.recorded).isEmpty();
  }

  private static ApplicationFailure notVerified(Runnable run) {
    WorkflowFailedException e = catchThrowableOfType(WorkflowFailedException.class, run::run);
    assertThat(e).as("the run failed").isNotNull();
    ApplicationFailure f = (ApplicationFailure) e.getCause();
    assertThat(f.getType()).isEqualTo(BackupVerificationWorkflowImpl.NOT_VERIFIED);
    return f;
  }
}
