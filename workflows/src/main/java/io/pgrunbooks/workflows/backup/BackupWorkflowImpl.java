package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.backup.PostgresBackupActivities;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.PlanDigest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.HeavyQueue;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link BackupWorkflow}. */
public class BackupWorkflowImpl extends RunbookWorkflowBase implements BackupWorkflow {
  /** Approval step name of retention deletes; pre-approvals name it. */
  public static final String DELETE_STEP = "delete-backups";
  static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final BackupStoreActivities store = BackupActivityStubs.store();
  private final PostgresBackupActivities postgres = BackupActivityStubs.postgres();
  /** The same with the long step on the heavy queue (runs from before it: {@link #postgres}, see {@link HeavyQueue}). */
  private final PostgresBackupActivities heavyPostgres = BackupActivityStubs.heavyPostgres();

  @Override
  public BackupResult run(BackupInput input) {
    if (input == null || blank(input.cluster()) || blank(input.database())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Backup needs a cluster and a database, e.g. {\"cluster\": \"main\", \"database\": \"app\"}",
          FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    RunRecorder run = begin(WorkflowTypes.BACKUP, cluster, database, input);
    try {
      BackupPolicy policy = run.step("read backup policy", () -> store.policy(new ListBackupsInput(cluster, database)),
          p -> "bucket " + p.bucket() + ", folder " + p.root() + ", keep " + p.keepVerified() + " verified and "
              + p.keepDays() + " days");
      BackupSource source = run.step("choose source",
          () -> postgres.chooseSource(new ChooseSourceInput(cluster, database, policy.preferReplica())),
          BackupSource::why);
      // Workflow time, so a retried or replayed run writes the same folder.
      String key = policy.root() + "/" + FOLDER.format(run.now()) + "/";
      if (input.dryRun()) {
        run.plan("on " + source.node() + ": BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot();"
            + " exact count(*) of every table");
        run.plan("pg_dump --snapshot=<id> --format=custom " + database + " | multipart upload to s3://"
            + policy.bucket() + "/" + key + "dump.pgdump (SHA-256 while streaming)");
        run.plan("put s3://" + policy.bucket() + "/" + key + "manifest.json");
        RetentionPlan retention = retention(cluster, database, policy, key);
        retention.delete().forEach(d -> run.plan("delete s3://" + policy.bucket() + "/" + d.key() + " (" + d.why()
            + "; needs approval " + DELETE_STEP + ")"));
        RunReport report = finish(RunbookState.COMPLETED, "dry run: would back up " + database + " from "
            + source.node() + " to " + key);
        return new BackupResult(report, null, null, source.node(), List.of());
      }
      PostgresBackupActivities dumper = HeavyQueue.used() ? heavyPostgres : postgres;
      BackupManifest manifest = run.step("dump to store",
          () -> dumper.dumpToStore(new DumpInput(cluster, database, source.node(), key,
              Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId())),
          m -> m.dumpBytes() + " bytes, " + m.tables().size() + " tables, sha256 " + m.sha256());
      run.change("uploaded backup s3://" + policy.bucket() + "/" + key + " (" + manifest.dumpBytes() + " bytes)");

      ApprovalOutcome[] refused = {null};
      List<String> deleted = applyRetention(run, cluster, database, policy, key, refused);
      if (refused[0] != null) {
        // The backup stands; only the deletes were refused, and nothing was deleted.
        RunReport report = finish(refused[0].endState(), "backup " + key + " taken; retention deletes "
            + refused[0].describe() + "; nothing deleted");
        return new BackupResult(report, key, manifest, source.node(), List.of());
      }
      RunReport report = finish(RunbookState.COMPLETED, "backup of " + database + " from " + source.node() + " at "
          + key + " (" + manifest.dumpBytes() + " bytes, " + manifest.tables().size() + " tables); retention deleted "
          + deleted.size());
      return new BackupResult(report, key, manifest, source.node(), deleted);
    } catch (RuntimeException e) {
      fail("Backup of " + database + " on " + cluster + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  /** Deleted keys; when the deletes were rejected or timed out, none, and {@code refused[0]} says how. */
  private List<String> applyRetention(RunRecorder run, String cluster, String database, BackupPolicy policy,
                                      String newKey, ApprovalOutcome[] refused) {
    RetentionPlan first = run.step("plan retention", () -> retention(cluster, database, policy, newKey),
        p -> p.keep().size() + " kept, " + p.delete().size() + " to delete");
    if (first.delete().isEmpty()) {
      run.skipped("delete old backups", "nothing to delete");
      return List.of();
    }
    // The gate asks for the plan again after each approval: the first time it gets the one just listed.
    RetentionPlan[] last = {null};
    ApprovalOutcome outcome = gate().approveUntilStable(DELETE_STEP, () -> {
      last[0] = last[0] == null ? first : retention(cluster, database, policy, newKey);
      return request(last[0], database, policy);
    });
    if (!outcome.approved()) {
      run.log("retention deletes " + outcome.describe() + "; nothing deleted");
      refused[0] = outcome;
      return List.of();
    }
    // The gate recomputed the plan after the approval and found it unchanged: delete exactly that.
    List<String> keys = last[0].deleteKeys();
    run.step("delete old backups", () -> store.deleteBackups(new DeleteBackupsInput(cluster, database, keys)),
        n -> "deleted " + keys.size() + " backups: " + String.join(", ", keys));
    keys.forEach(k -> run.change("deleted backup s3://" + policy.bucket() + "/" + k));
    return keys;
  }

  private RetentionPlan retention(String cluster, String database, BackupPolicy policy, String newKey) {
    List<BackupEntry> all = store.listBackups(new ListBackupsInput(cluster, database));
    return RetentionPlan.of(all, run().now(), policy.keepVerified(), policy.keepDays());
  }

  private static ApprovalRequest request(RetentionPlan plan, String database, BackupPolicy policy) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("delete", String.join(", ", plan.deleteKeys()));
    plan.delete().forEach(d -> evidence.put(d.key(), d.why()));
    evidence.put("kept", plan.keep().size() + " backups (newest " + policy.keepVerified() + " verified and all within "
        + policy.keepDays() + " days)");
    return new ApprovalRequest(DELETE_STEP, "delete " + plan.delete().size() + " old backups of " + database,
        database, evidence, PlanDigest.of(plan.deleteKeys()), null);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
