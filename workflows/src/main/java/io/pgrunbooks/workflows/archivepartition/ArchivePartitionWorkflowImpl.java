package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.AttachInput;
import io.pgrunbooks.workflows.activities.DropPartitionInput;
import io.pgrunbooks.workflows.activities.DropPartitionResult;
import io.pgrunbooks.workflows.activities.ExportInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.InspectPartitionInput;
import io.pgrunbooks.workflows.activities.ArchivePreflightFacts;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.pgrunbooks.workflows.activities.S3Activities;
import io.pgrunbooks.workflows.activities.VerifyArchiveInput;
import io.pgrunbooks.workflows.activities.VerifyArchiveResult;
import io.pgrunbooks.workflows.activities.WriteManifestInput;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.HeavyQueue;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link ArchivePartitionWorkflow}. */
public class ArchivePartitionWorkflowImpl extends RunbookWorkflowBase implements ArchivePartitionWorkflow {
  /** Approval step name; {@code approvals.preApprovals} entries name it with the parent table as target. */
  public static final String DROP_STEP = "drop-partition";
  /** Version marker: since issue 14 a run with {@code deepVerify: false} archives but never drops. */
  static final String SHALLOW_NEVER_DROPS = "shallow-verify-never-drops";

  private final PostgresArchiveActivities sql =
      Workflow.newActivityStub(PostgresArchiveActivities.class, ArchiveActivityOptions.SQL);
  private final PostgresArchiveActivities stream =
      Workflow.newActivityStub(PostgresArchiveActivities.class, ArchiveActivityOptions.STREAM);
  private final S3Activities s3 = Workflow.newActivityStub(S3Activities.class, ArchiveActivityOptions.STREAM);
  /** Export and deep verify on the heavy queue (runs from before it: {@link #stream} and {@link #s3}, see {@link HeavyQueue}). */
  private final PostgresArchiveActivities heavyStream =
      Workflow.newActivityStub(PostgresArchiveActivities.class, ArchiveActivityOptions.STREAM_HEAVY);
  private final S3Activities heavyS3 = Workflow.newActivityStub(S3Activities.class, ArchiveActivityOptions.STREAM_HEAVY);
  private boolean heavy;

  private ArchivePreflightFacts facts;
  private boolean detached;
  private boolean dropped;
  private Instant archivedAt;

  @Override
  public ArchivePartitionResult run(ArchivePartitionInput input) {
    requireTargets(input);
    Instant started = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    // Preflight comes first because the run's target (which pre-approvals match) is the parent table,
    // which only the catalog can tell. A bad name fails here, before anything is changed.
    facts = sql.inspectPartition(new InspectPartitionInput(input.cluster().strip(), input.database().strip(),
        input.partition().strip()));
    String name = facts.ref().qualified();
    RunRecorder run = begin(WorkflowTypes.ARCHIVE_PARTITION, input.cluster().strip(), facts.ref().parentQualified(), input);
    run.record("preflight", StepRecord.DONE, started, describe(facts));
    try {
      String refusal = ArchiveRules.refusal(facts, input.force(), input.reason());
      if (refusal != null) {
        run.record("retention check", StepRecord.FAILED, run.now(), refusal);
        throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.SAFETY_REFUSED);
      }
      boolean expired = facts.retentionCutoff() != null && !facts.upperBound().isAfter(facts.retentionCutoff());
      run.record("retention check", StepRecord.DONE, run.now(), expired ? "expired under retention " + facts.retention()
          + " (upper bound " + facts.upperBound() + ")" : "not expired; forced: " + input.reason());
      if (facts.bucket() == null) {
        throw ApplicationFailure.newNonRetryableFailure("no archive bucket is configured (config section archive)",
            FailureTypes.CONFIG);
      }
      if (input.dryRun()) {
        return dryRun(input);
      }
      // Compensation before the call it undoes: attach is idempotent, so a detach that failed halfway is covered.
      detached = true;
      var how = run.step("detach", () -> sql.detachPartition(facts.ref()), d -> "detached " + name + " (" + d.how() + ")");
      run.change("detached " + name + " from " + facts.ref().parentQualified() + " (" + how.how() + ")");
      heavy = HeavyQueue.used();
      ExportResult export = run.step("export", () -> (heavy ? heavyStream : stream).exportPartition(
          new ExportInput(facts.ref(), Workflow.getInfo().getRunId())), ArchivePartitionWorkflowImpl::describe);
      run.change("uploaded " + export.uri());
      VerifyArchiveResult verify = run.step("verify",
          () -> (heavy ? heavyS3 : s3).verifyArchive(new VerifyArchiveInput(export, input.deepVerifyEnabled())), VerifyArchiveResult::describe);
      if (!verify.ok()) {
        throw ApplicationFailure.newNonRetryableFailure("archive " + export.uri() + " failed verification: "
            + String.join("; ", verify.problems()) + "; nothing was dropped", FailureTypes.SAFETY_REFUSED);
      }
      ArchiveManifest manifest = manifest(export, verify);
      archivedAt = manifest.archivedAt();
      run.step("write manifest", () -> {
        s3.writeManifest(new WriteManifestInput(export.manifestKey(), manifest));
        return export.manifestKey();
      }, k -> "s3://" + export.bucket() + "/" + k);
      run.change("wrote manifest s3://" + export.bucket() + "/" + export.manifestKey());
      String noDrop = !input.dropEnabled() ? "drop=false"
          : !verify.deep() && Workflow.getVersion(SHALLOW_NEVER_DROPS, Workflow.DEFAULT_VERSION, 1) >= 1
          ? "deepVerify=false (a size check is no proof to drop on)" : null;
      if (noDrop != null) {
        run.skipped("drop", noDrop + ": the partition stays");
        reattach();
        return result(finish(RunbookState.COMPLETED, "archived " + name + " to " + export.uri() + " (" + export.rows()
            + " rows); " + noDrop + ", so it was attached again"), export);
      }
      // A parent's delegated approval counts only for exactly the rows and hash it showed; else a human decides here.
      ApprovalOutcome outcome = gate().request(ApprovalRequest.of(DROP_STEP, "drop partition " + name
          + " (archived to " + export.uri() + ")", facts.ref().parentQualified(), evidence(export, verify)),
          input.delegatedApproval(), List.of(ArchivePartitionInput.scopeItem(name, export.rows(),
              export.sha256Uncompressed())));
      if (!outcome.approved()) {
        reattach();
        return result(finish(outcome.endState(), "drop of " + name + " " + outcome.describe() + "; " + name
            + " was attached again; the verified archive stays at " + export.uri()), export);
      }
      DropPartitionResult drop = run.step("drop", () -> sql.dropPartition(
          new DropPartitionInput(facts.ref(), export.rows(), export.uri(), export.sha256Uncompressed())),
          d -> d.alreadyDropped() ? "already dropped by an earlier attempt"
              : "dropped after proving its " + d.rowsCounted() + " rows hash to the archive's CSV SHA-256");
      dropped = true;
      run.change("dropped " + name + " (" + drop.rowsCounted() + " rows, archived at " + export.uri() + ")");
      return result(finish(RunbookState.COMPLETED, "archived " + name + " to " + export.uri() + " (" + export.rows()
          + " rows, verified) and dropped it"), export);
    } catch (RuntimeException e) {
      String compensation = detached && !dropped ? compensate() : "";
      fail("ArchivePartition of " + name + " failed: " + Failures.describe(e) + compensation);
      throw e;
    }
  }

  private ArchivePartitionResult dryRun(ArchivePartitionInput input) {
    RunRecorder run = run();
    String parent = facts.ref().parentQualified();
    String name = facts.ref().qualified();
    run.plan("ALTER TABLE " + parent + " DETACH PARTITION " + name + " CONCURRENTLY");
    run.plan("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; COPY (SELECT * FROM " + name
        + ") TO STDOUT (FORMAT csv, HEADER) under a SHARE lock | " + facts.compression() + " -> s3://" + facts.bucket()
        + "/.../" + facts.ref().name() + "/run-<this run>/data.csv." + ("zstd".equals(facts.compression()) ? "zst" : "gz")
        + " (written once, never over another archive)");
    run.plan((input.deepVerifyEnabled() ? "deep-verify" : "verify") + " the object; write manifest.json");
    if (input.dropEnabled() && input.deepVerifyEnabled()) {
      run.plan("approval " + DROP_STEP + " on " + parent);
      run.plan("BEGIN; LOCK TABLE " + name + " IN ACCESS EXCLUSIVE MODE; SHA-256 of its CSV (must equal the archive's);"
          + " DROP TABLE " + name + "; COMMIT");
    } else {
      run.plan("ALTER TABLE " + parent + " ATTACH PARTITION " + name + " " + facts.boundSpec());
    }
    return new ArchivePartitionResult(finish(RunbookState.COMPLETED, "dry run: " + name + " (~" + facts.rowEstimate()
        + " rows) may be archived; nothing was changed"), null, null, -1, false, false);
  }

  /** Undo of the detach on every path that does not drop; never throws, says what happened. */
  private String compensate() {
    try {
      reattach();
      return "; " + facts.ref().qualified() + " was attached again";
    } catch (RuntimeException e) {
      String why = "; re-attaching " + facts.ref().qualified() + " FAILED (" + Failures.describe(e)
          + "): it is detached, attach it by hand: ALTER TABLE " + facts.ref().parentQualified() + " ATTACH PARTITION "
          + facts.ref().qualified() + " " + facts.boundSpec();
      run().log(why.substring(2));
      return why;
    }
  }

  private void reattach() {
    // Detached scope: a cancelled run still puts the partition back.
    Workflow.newDetachedCancellationScope(() -> run().step("re-attach",
        () -> {
          sql.attachPartition(new AttachInput(facts.ref(), facts.boundSpec()));
          return facts.boundSpec();
        }, b -> "attached " + facts.ref().qualified() + " " + b)).run();
    detached = false;
    run().change("attached " + facts.ref().qualified() + " to " + facts.ref().parentQualified() + " again");
  }

  private ArchiveManifest manifest(ExportResult e, VerifyArchiveResult v) {
    var r = facts.ref();
    return new ArchiveManifest(1, r.cluster(), r.database(), r.schema(), r.name(), r.parentSchema(), r.parentName(),
        facts.boundSpec(), facts.columns(), facts.partitionKey(), facts.parentDdl(), facts.indexes(), e.bucket(),
        e.dataKey(), "csv-header", e.compression(), e.rows(), e.uncompressedBytes(), e.compressedBytes(),
        e.sha256Uncompressed(), e.sha256Compressed(), facts.serverVersion(), Workflow.getInfo().getWorkflowId(),
        Workflow.getInfo().getRunId(), run().now(), v.describe());
  }

  private static Map<String, String> evidence(ExportResult e, VerifyArchiveResult v) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("rows", Long.toString(e.rows()));
    m.put("CSV bytes", Long.toString(e.uncompressedBytes()));
    m.put(e.compression() + " bytes", Long.toString(e.compressedBytes()));
    m.put("SHA-256 of the CSV", e.sha256Uncompressed());
    m.put("SHA-256 of the object", e.sha256Compressed());
    m.put("archive", e.uri());
    m.put("manifest", "s3://" + e.bucket() + "/" + e.manifestKey());
    m.put("verification", v.describe());
    return m;
  }

  private ArchivePartitionResult result(RunReport report, ExportResult e) {
    return new ArchivePartitionResult(report, e.uri(), e.manifestKey(), e.rows(), dropped, !dropped, e.uncompressedBytes(),
        e.compressedBytes(), e.sha256Uncompressed(), archivedAt);
  }

  private static void requireTargets(ArchivePartitionInput in) {
    if (in == null || blank(in.cluster()) || blank(in.database()) || blank(in.partition())) {
      throw ApplicationFailure.newNonRetryableFailure("ArchivePartition needs cluster, database and partition, e.g. "
          + "{\"cluster\": \"main\", \"database\": \"app\", \"partition\": \"public.events_2025_01\"}", FailureTypes.BAD_INPUT);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String describe(ArchivePreflightFacts f) {
    return f.ref().qualified() + " of " + f.ref().parentQualified() + " " + f.boundSpec() + ", ~" + f.rowEstimate()
        + " rows, " + f.columns().size() + " columns, on " + f.primaryNode();
  }

  private static String describe(ExportResult e) {
    return e.rows() + " rows, " + e.uncompressedBytes() + " bytes of CSV, " + e.compressedBytes() + " bytes "
        + e.compression() + " to " + e.uri() + (e.reused() ? " (this run's upload, finished by an earlier attempt,"
        + " reused: never written twice)" : "") + (e.abortedStaleUploads() > 0 ? " (aborted " + e.abortedStaleUploads()
        + " stale multipart upload(s) of an earlier attempt)" : "");
  }
}
