package io.pgrunbooks.workflows.backupverification;

import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.backup.PostgresBackupActivities;
import io.pgrunbooks.workflows.backup.AmcheckResult;
import io.pgrunbooks.workflows.backup.BackupActivityStubs;
import io.pgrunbooks.workflows.backup.BackupEntry;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupPolicy;
import io.pgrunbooks.workflows.backup.BackupRef;
import io.pgrunbooks.workflows.backup.CountRowsInput;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.RecordVerificationInput;
import io.pgrunbooks.workflows.backup.RestoreInput;
import io.pgrunbooks.workflows.backup.RestoreResult;
import io.pgrunbooks.workflows.backup.ScratchInput;
import io.pgrunbooks.workflows.backup.TableCount;
import io.pgrunbooks.workflows.backup.VerificationRecord;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.HeavyQueue;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** See {@link BackupVerificationWorkflow}. */
public class BackupVerificationWorkflowImpl extends RunbookWorkflowBase implements BackupVerificationWorkflow {
  /** Failure type of a backup that did not verify; the failure's details carry the result. */
  public static final String NOT_VERIFIED = "BackupNotVerified";
  /** getVersion id: runs from before it did not set {@link SearchAttributes#BACKUP_AGE_HOURS}. */
  static final String AGE_ATTRIBUTE_CHANGE = "backup-age-search-attribute";

  private final BackupStoreActivities store = BackupActivityStubs.store();
  private final PostgresBackupActivities postgres = BackupActivityStubs.postgres();
  /** The same with the long step on the heavy queue (runs from before it: {@link #postgres}, see {@link HeavyQueue}). */
  private final PostgresBackupActivities heavyPostgres = BackupActivityStubs.heavyPostgres();

  @Override
  public BackupVerificationResult run(BackupVerificationInput input) {
    if (input == null || blank(input.cluster()) || blank(input.database())) {
      throw ApplicationFailure.newNonRetryableFailure("BackupVerification needs a cluster and a database, e.g."
          + " {\"cluster\": \"main\", \"database\": \"app\"}", FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    RunRecorder run = begin(WorkflowTypes.BACKUP_VERIFICATION, cluster, database, input);
    BackupVerificationResult result;
    try {
      BackupPolicy policy = run.step("read backup policy", () -> store.policy(new ListBackupsInput(cluster, database)),
          p -> "verification target " + p.verificationTarget() + ", pg_restore --jobs " + p.restoreJobs());
      if (policy.verificationTarget() == null) {
        throw ApplicationFailure.newNonRetryableFailure("no verification target configured: set backup.verification"
            + " (a separate PostgreSQL instance) in the worker's config", FailureTypes.CONFIG);
      }
      String key = run.step("find backup", () -> blank(input.backupKey()) ? newest(cluster, database)
          : input.backupKey().strip(), k -> k);
      BackupManifest manifest = run.step("read manifest", () -> store.readBackupManifest(new BackupRef(key)),
          m -> m.tables().size() + " tables, " + m.dumpBytes() + " bytes, snapshot " + m.snapshotTime());
      if (!cluster.equals(manifest.cluster()) || !database.equals(manifest.database())) {
        // Its age would otherwise be recorded as the proof of this database's backups.
        throw ApplicationFailure.newNonRetryableFailure("backup " + key + " is a backup of " + manifest.cluster() + "/"
            + manifest.database() + ", not of " + cluster + "/" + database, FailureTypes.BAD_INPUT);
      }
      String scratch = "pgrb_verify_" + Workflow.getInfo().getRunId().replace("-", "").substring(0, 16);
      if (input.dryRun()) {
        run.plan("download s3://" + policy.bucket() + "/" + manifest.dumpKey() + ", check SHA-256 " + manifest.sha256());
        run.plan("on " + policy.verificationTarget() + ": CREATE DATABASE " + scratch + "; pg_restore --jobs "
            + policy.restoreJobs() + " --dbname " + scratch);
        run.plan("count(*) of " + manifest.tables().size() + " tables; pg_amcheck " + scratch);
        run.plan("DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
        RunReport report = finish(RunbookState.COMPLETED, "dry run: would verify " + key);
        return new BackupVerificationResult(report, key, false, "dry run", age(manifest), null, List.of(), null,
            scratch, true);
      }
      result = verify(run, policy, key, manifest, scratch);
    } catch (RuntimeException e) {
      fail("BackupVerification of " + database + " on " + cluster + " failed: " + Failures.describe(e));
      throw e;
    }
    if (!result.passed()) {
      RunReport report = fail("backup " + result.backupKey() + " did NOT verify: " + result.reason());
      throw ApplicationFailure.newNonRetryableFailure("backup " + result.backupKey() + " did not verify: "
          + result.reason(), NOT_VERIFIED, withReport(result, report));
    }
    if (Workflow.getVersion(AGE_ATTRIBUTE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1 && result.backupAgeSeconds() >= 0) {
      Workflow.upsertTypedSearchAttributes(SearchAttributes.BACKUP_AGE_HOURS.valueSet(result.backupAgeSeconds() / 3600));
    }
    RunReport report = finish(RunbookState.COMPLETED, "backup " + result.backupKey() + " verified: restored "
        + result.restore().restoredBytes() + " bytes in " + Math.round(result.restore().restoreSeconds())
        + " s, every exact count matches, backup age " + result.backupAgeSeconds() / 3600 + " h; scratch database dropped");
    return withReport(result, report);
  }

  /** Restore, count, amcheck; the scratch database is dropped whatever happens, cancellation included. */
  private BackupVerificationResult verify(RunRecorder run, BackupPolicy policy, String key, BackupManifest manifest,
                                          String scratch) {
    RestoreResult restore = null;
    List<String> differences = List.of();
    AmcheckResult amcheck = null;
    String reason = null;
    RuntimeException failure = null;
    try {
      PostgresBackupActivities restorer = HeavyQueue.used() ? heavyPostgres : postgres;
      restore = run.step("download and restore", () -> restorer.restore(new RestoreInput(manifest.cluster(),
              manifest.database(), manifest.dumpKey(), manifest.sha256(), manifest.dumpBytes(), scratch,
              policy.restoreJobs())),
          r -> "SHA-256 matches; restored into " + scratch + " on " + r.target() + " in "
              + Math.round(r.restoreSeconds()) + " s, " + r.restoredBytes() + " bytes"
              + (r.streamed() ? " (dump streamed into pg_restore, one job)" : ""));
      List<TableCount> restored = run.step("count rows", () -> postgres.countRows(
          new CountRowsInput(scratch, manifest.tables(), manifest.cluster())), c -> c.size() + " tables counted");
      differences = CountComparison.differences(manifest.tables(), restored);
      List<String> diffs = differences;
      run.record("compare counts", diffs.isEmpty() ? StepRecord.DONE : StepRecord.FAILED, run.now(),
          diffs.isEmpty() ? "every exact count matches the manifest" : String.join("; ", diffs));
      amcheck = run.step("pg_amcheck", () -> postgres.amcheck(new ScratchInput(scratch, manifest.cluster())), AmcheckResult::detail);
      if (!diffs.isEmpty()) {
        reason = "row counts differ from the manifest: " + String.join("; ", diffs);
      } else if (!amcheck.passed()) {
        reason = "pg_amcheck found corruption: " + amcheck.detail();
      }
    } catch (CanceledFailure e) {
      failure = e;
    } catch (RuntimeException e) {
      if (Failures.type(e) == null) {
        failure = e;
      }
      reason = Failures.describe(e);
    } finally {
      dropScratch(run, scratch, manifest.cluster());
    }
    if (failure != null) {
      run.log("verification stopped: " + Failures.describe(failure) + "; scratch database " + scratch + " dropped");
      throw failure;
    }
    BackupVerificationResult result = new BackupVerificationResult(null, key, reason == null, reason, age(manifest),
        restore, differences, amcheck, scratch, true);
    VerificationRecord record = new VerificationRecord(reason == null, reason, run.now(),
        Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId(),
        restore == null ? 0 : restore.restoreSeconds(), restore == null ? 0 : restore.restoredBytes(), differences);
    run.step("record verification", () -> {
      store.recordVerification(new RecordVerificationInput(key, record));
      return key + "verification.json";
    }, k -> (record.passed() ? "passed" : "failed") + ", written to " + k);
    return result;
  }

  private void dropScratch(RunRecorder run, String scratch, String cluster) {
    // Detached: a cancelled run still drops what it created.
    Workflow.newDetachedCancellationScope(() -> run.step("drop scratch database",
        () -> postgres.dropScratch(new ScratchInput(scratch, cluster)),
        existed -> existed ? "dropped " + scratch : scratch + " did not exist (nothing to drop)")).run();
    run.change("created and dropped scratch database " + scratch);
  }

  private String newest(String cluster, String database) {
    List<BackupEntry> all = store.listBackups(new ListBackupsInput(cluster, database));
    return all.stream().filter(BackupEntry::complete).max(Comparator.comparing(BackupEntry::createdAt))
        .map(BackupEntry::key)
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("no complete backup of " + database + " in "
            + cluster + " to verify", FailureTypes.BAD_INPUT));
  }

  private long age(BackupManifest m) {
    Instant at = m.snapshotTime() != null ? m.snapshotTime() : m.finishedAt();
    return at == null ? -1 : Duration.between(at, run().now()).toSeconds();
  }

  private static BackupVerificationResult withReport(BackupVerificationResult r, RunReport report) {
    return new BackupVerificationResult(report, r.backupKey(), r.passed(), r.reason(), r.backupAgeSeconds(),
        r.restore(), r.differences(), r.amcheck(), r.scratchDatabase(), r.scratchDropped());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
