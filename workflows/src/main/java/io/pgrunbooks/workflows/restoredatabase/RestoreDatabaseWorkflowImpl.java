package io.pgrunbooks.workflows.restoredatabase;

import io.pgrunbooks.workflows.activities.PgBouncerDatabaseActivities;
import io.pgrunbooks.workflows.activities.PgBouncerDatabaseActivities.DatabaseBouncerInput;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.CountRestoredInput;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RenameInput;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoreFacts;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoreIntoInput;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoreTarget;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoredDatabase;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.backup.BackupActivityStubs;
import io.pgrunbooks.workflows.backup.BackupEntry;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupPolicy;
import io.pgrunbooks.workflows.backup.BackupRef;
import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.TableCount;
import io.pgrunbooks.workflows.backupverification.CountComparison;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseRules.SwapStep;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link RestoreDatabaseWorkflow}. */
public class RestoreDatabaseWorkflowImpl extends RunbookWorkflowBase implements RestoreDatabaseWorkflow {
  /** Approval step of the swap; request ids {@code swap-N}. */
  public static final String STEP = "swap";
  /** Failure type of a restore whose row counts differ from the manifest (the target is kept for inspection). */
  public static final String NOT_VERIFIED = "RestoreNotVerified";
  private static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final BackupStoreActivities store = BackupActivityStubs.store();
  private final RestoreDatabaseActivities sql = ActivityStubs.stub(RestoreDatabaseActivities.class,
      ActivityStubs.central(Duration.ofMinutes(5)).retry(RETRY).build(),
      // The restore runs for hours and heartbeats; a lost worker shows within two minutes and the next attempt
      // drops the half-restored target (it carries this run's marker) and starts again.
      Map.of("RestoreIntoTarget", ActivityStubs.override(Duration.ofHours(12)).heartbeat(Duration.ofMinutes(2))
              .waitForCancellation().retry(RETRY).build(),
          "CountRestoredRows", ActivityStubs.override(Duration.ofHours(2)).retry(RETRY).build()));

  @Override
  public RestoreDatabaseResult run(RestoreDatabaseInput input) {
    String problem = RestoreDatabaseRules.inputProblem(input);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    String target = input.targetDatabase().strip();
    RunRecorder run = begin(WorkflowTypes.RESTORE_DATABASE, cluster, target, input);
    try {
      // Recorded once: decisions compare it with what the activities read back, so a replay must see the same value.
      String marker = Workflow.sideEffect(String.class,
          () -> RestoreDatabaseRules.marker(Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId()));
      String before = RestoreDatabaseRules.beforeName(database, Instant.ofEpochMilli(Workflow.currentTimeMillis()));
      RestoreTarget names = new RestoreTarget(cluster, database, target, before, marker);
      BackupPolicy policy = run.step("read backup policy", () -> store.policy(new ListBackupsInput(cluster, database)),
          p -> "pg_restore --jobs " + p.restoreJobs());
      String key = run.step("find backup", () -> input.backupKey() == null || input.backupKey().isBlank()
          ? newest(cluster, database) : input.backupKey().strip(), k -> k);
      BackupManifest manifest = run.step("read manifest", () -> store.readBackupManifest(new BackupRef(key)),
          m -> m.tables().size() + " tables, " + m.dumpBytes() + " bytes, snapshot " + m.snapshotTime());
      refuseIf(RestoreDatabaseRules.manifestProblem(key, manifest, cluster, database), FailureTypes.BAD_INPUT);
      RestoreFacts facts = run.step("inspect", () -> sql.inspectRestore(names),
          f -> RestoreDatabaseRules.names(f, database, target, before) + " on " + f.primary());
      refuseIf(RestoreDatabaseRules.targetProblem(facts, target, marker),
          facts.targetConfigured() ? FailureTypes.BAD_INPUT : FailureTypes.SAFETY_REFUSED);
      if (input.swap()) {
        refuseIf(RestoreDatabaseRules.swapProblem(facts, database, before), FailureTypes.BAD_INPUT);
      }
      plan(run, input.swap(), facts, manifest, policy, database, target, before);
      if (input.dryRun()) {
        return new RestoreDatabaseResult(finish(RunbookState.COMPLETED, "dry run: would restore " + key + " into "
            + target + (input.swap() ? " and swap it with " + database : "") + "; nothing was changed"), key, null,
            List.of(), null, null);
      }
      RestoredDatabase restored = run.step("download and restore", () -> sql.restoreIntoTarget(new RestoreIntoInput(
              cluster, database, target, marker, manifest.dumpKey(), manifest.sha256(), manifest.dumpBytes(),
              policy.restoreJobs())),
          r -> "SHA-256 matches; restored into " + target + " on " + r.primary() + " in " + Math.round(r.restoreSeconds())
              + " s, " + r.restoredBytes() + " bytes" + (r.redone() ? " (an earlier attempt's half-restored "
              + target + " was dropped first)" : ""));
      run.change("created database " + target + " on " + restored.primary() + " and restored " + key + " into it");
      List<TableCount> counted = run.step("count rows", () -> sql.countRestoredRows(
          new CountRestoredInput(cluster, target, manifest.tables())), c -> c.size() + " tables counted");
      List<String> differences = CountComparison.differences(manifest.tables(), counted);
      run.record("compare counts", differences.isEmpty() ? StepRecord.DONE : StepRecord.FAILED, run.now(),
          differences.isEmpty() ? "every exact count matches the manifest" : String.join("; ", differences));
      if (!differences.isEmpty()) {
        fail("restore of " + key + " into " + target + " did NOT verify: " + String.join("; ", differences) + "; "
            + target + " is kept for inspection" + (input.swap() ? ", nothing was swapped" : ""));
        throw ApplicationFailure.newNonRetryableFailure("row counts of " + target + " differ from the manifest of "
            + key + ": " + String.join("; ", differences), NOT_VERIFIED);
      }
      if (!input.swap()) {
        return new RestoreDatabaseResult(finish(RunbookState.COMPLETED, "restored " + key + " into " + target + " on "
            + restored.primary() + ": " + counted.size() + " tables, every exact count matches the manifest"), key,
            restored, List.of(), target, null);
      }
      return swap(run, names, key, restored, counted);
    } catch (RuntimeException e) {
      if (run.state() != RunbookState.FAILED) {
        fail("RestoreDatabase of " + database + " into " + target + " on " + cluster + " failed: " + Failures.describe(e));
      }
      throw e;
    }
  }

  /** Approval, then PAUSE, the renames (each after looking which names exist) and RESUME whatever happens. */
  private RestoreDatabaseResult swap(RunRecorder run, RestoreTarget n, String key, RestoredDatabase restored,
                                     List<TableCount> counted) {
    RestoreFacts now = run.step("swap evidence", () -> sql.inspectRestore(n),
        f -> f.databaseConnections() + " sessions on " + n.database() + ", " + f.databaseBytes() + " bytes; "
            + n.targetDatabase() + " " + f.targetBytes() + " bytes");
    refuseIf(RestoreDatabaseRules.swapProblem(now, n.database(), n.beforeName()), FailureTypes.SAFETY_REFUSED);
    ApprovalOutcome outcome = gate().request(ApprovalRequest.of(STEP, "swap databases: rename " + n.database()
        + " to " + n.beforeName() + " and the restored " + n.targetDatabase() + " to " + n.database()
        + (now.bouncerNode() == null ? "" : " while PgBouncer pauses " + n.database())
        + "; sessions still connected to " + n.database() + " are ended; the old database is kept, never dropped",
        n.database(), evidence(now, n, key, counted)));
    if (!outcome.approved()) {
      return new RestoreDatabaseResult(finish(outcome.endState(), "restored " + key + " into " + n.targetDatabase()
          + " (verified); swap not done: " + outcome.describe()), key, restored, List.of(), n.targetDatabase(), null);
    }
    PgBouncerDatabaseActivities bouncer = now.bouncerNode() == null ? null : bouncer(now);
    DatabaseBouncerInput paused = new DatabaseBouncerInput(n.cluster(), n.database());
    if (bouncer == null) {
      run.skipped("pause pgbouncer", "cluster " + n.cluster() + " has no PgBouncer configured");
    } else {
      run.step("pause pgbouncer", () -> bouncer.pauseDatabase(paused), s -> s);
    }
    try {
      renames(run, n);
    } finally {
      if (bouncer != null) {
        // Detached: a cancelled or failed swap still lets the clients through again.
        Workflow.newDetachedCancellationScope(() -> run.step("resume pgbouncer", () -> bouncer.resumeDatabase(paused),
            s -> s)).run();
      }
    }
    return new RestoreDatabaseResult(finish(RunbookState.COMPLETED, "swapped: " + n.database() + " now holds backup "
        + key + "; the previous " + n.database() + " is kept as " + n.beforeName()), key, restored, List.of(),
        n.database(), n.beforeName());
  }

  private void renames(RunRecorder run, RestoreTarget n) {
    for (int i = 0; i < 3; i++) {
      RestoreFacts f = run.step("check names", () -> sql.inspectRestore(n),
          x -> RestoreDatabaseRules.names(x, n.database(), n.targetDatabase(), n.beforeName()));
      SwapStep next = RestoreDatabaseRules.nextSwapStep(f, n.marker());
      if (next == null) {
        throw ApplicationFailure.newNonRetryableFailure("the databases are not in a state this swap leaves ("
            + RestoreDatabaseRules.names(f, n.database(), n.targetDatabase(), n.beforeName())
            + "): someone else renamed or created one; nothing more is renamed", FailureTypes.SAFETY_REFUSED);
      }
      if (next == SwapStep.DONE) {
        return;
      }
      String from = next == SwapStep.RENAME_LIVE_AWAY ? n.database() : n.targetDatabase();
      String to = next == SwapStep.RENAME_LIVE_AWAY ? n.beforeName() : n.database();
      run.step(next == SwapStep.RENAME_LIVE_AWAY ? "rename live database away" : "rename restored database into place",
          () -> sql.renameDatabase(new RenameInput(n.cluster(), from, to)), s -> s);
      run.change("renamed database " + from + " to " + to);
    }
    throw ApplicationFailure.newNonRetryableFailure("the swap did not finish after two renames", FailureTypes.SAFETY_REFUSED);
  }

  private static void plan(RunRecorder run, boolean swap, RestoreFacts f, BackupManifest m, BackupPolicy policy,
                           String database, String target, String before) {
    run.plan("download " + m.dumpKey() + ", check SHA-256 " + m.sha256());
    run.plan("on " + f.primary() + ": CREATE DATABASE " + target + "; COMMENT ON DATABASE (this run's marker); "
        + "pg_restore --jobs " + policy.restoreJobs() + " --dbname " + target);
    run.plan("count(*) of " + m.tables().size() + " tables and compare with the manifest");
    if (swap) {
      run.plan("after approval: " + (f.bouncerNode() == null ? "" : "PAUSE " + database + " at PgBouncer; ")
          + "ALTER DATABASE " + database + " RENAME TO " + before + "; ALTER DATABASE " + target + " RENAME TO "
          + database + (f.bouncerNode() == null ? "" : "; RESUME " + database));
    }
  }

  private static Map<String, String> evidence(RestoreFacts f, RestoreTarget n, String key, List<TableCount> counted) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("backup", key);
    e.put("live " + n.database(), f.databaseBytes() + " bytes, " + f.databaseConnections() + " sessions connected now");
    e.put("restored " + n.targetDatabase(), f.targetBytes() + " bytes, " + counted.size()
        + " tables whose exact counts match the manifest, " + counted.stream().mapToLong(TableCount::rows).sum()
        + " rows");
    e.put("old database kept as", n.beforeName());
    e.put("pgbouncer", f.bouncerNode() == null ? "none configured: clients connected directly see the rename"
        : "PAUSE " + n.database() + " on the agent of " + f.bouncerNode());
    return e;
  }

  private static PgBouncerDatabaseActivities bouncer(RestoreFacts f) {
    Duration toStart = Duration.ofSeconds(Math.max(1, f.agentStartTimeoutSeconds()));
    return ActivityStubs.stub(PgBouncerDatabaseActivities.class, ActivityStubs.onNode(f.bouncerNode(),
        Duration.ofMinutes(2)).scheduleToStart(toStart).retry(RETRY).build());
  }

  private String newest(String cluster, String database) {
    return store.listBackups(new ListBackupsInput(cluster, database)).stream().filter(BackupEntry::complete)
        .max(Comparator.comparing(BackupEntry::createdAt)).map(BackupEntry::key)
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("no complete backup of " + database + " in "
            + cluster + " to restore", FailureTypes.BAD_INPUT));
  }

  private static void refuseIf(String refusal, String type) {
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, type);
    }
  }
}
