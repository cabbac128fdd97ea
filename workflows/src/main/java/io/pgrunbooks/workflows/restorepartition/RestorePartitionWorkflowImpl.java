package io.pgrunbooks.workflows.restorepartition;

import io.pgrunbooks.workflows.activities.ArchiveEntry;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.ListArchivesInput;
import io.pgrunbooks.workflows.activities.AttachInput;
import io.pgrunbooks.workflows.activities.PartitionRef;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.pgrunbooks.workflows.activities.ReadManifestInput;
import io.pgrunbooks.workflows.activities.RestoreTableInput;
import io.pgrunbooks.workflows.activities.RestoreTableResult;
import io.pgrunbooks.workflows.activities.S3Activities;
import io.pgrunbooks.workflows.archivepartition.ArchiveActivityOptions;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.HeavyQueue;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.regex.Pattern;

/** See {@link RestorePartitionWorkflow}. Creating a new table destroys nothing, so it needs no approval. */
public class RestorePartitionWorkflowImpl extends RunbookWorkflowBase implements RestorePartitionWorkflow {
  private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}\\.[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final PostgresArchiveActivities sql =
      Workflow.newActivityStub(PostgresArchiveActivities.class, ArchiveActivityOptions.SQL);
  private final PostgresArchiveActivities stream =
      Workflow.newActivityStub(PostgresArchiveActivities.class, ArchiveActivityOptions.STREAM);
  private final S3Activities s3 = Workflow.newActivityStub(S3Activities.class, ArchiveActivityOptions.STREAM);
  /** The restore stream on the heavy queue (runs from before it: {@link #stream}, see {@link HeavyQueue}). */
  private final PostgresArchiveActivities heavyStream =
      Workflow.newActivityStub(PostgresArchiveActivities.class, ArchiveActivityOptions.STREAM_HEAVY);

  /** Version marker of issue 14: the manifest's cluster and database are checked; attach only to a configured parent. */
  static final String RESTORE_CHECKS = "restore-checks-manifest-and-parent";

  @Override
  public RestorePartitionResult run(RestorePartitionInput input) {
    if (input == null || blank(input.cluster()) || blank(input.database())
        || blank(input.manifestKey()) && blank(input.partition())) {
      throw ApplicationFailure.newNonRetryableFailure("RestorePartition needs cluster, database and manifestKey (or"
          + " partition, optionally with archivedAt)", FailureTypes.BAD_INPUT);
    }
    if (blank(input.manifestKey()) && !QUALIFIED.matcher(input.partition().strip()).matches()) {
      throw ApplicationFailure.newNonRetryableFailure("partition must be schema.name of plain identifiers, got '"
          + input.partition() + "'", FailureTypes.BAD_INPUT);
    }
    if (!blank(input.targetTable()) && !QUALIFIED.matcher(input.targetTable().strip()).matches()) {
      throw ApplicationFailure.newNonRetryableFailure("targetTable must be schema.name of plain identifiers, got '"
          + input.targetTable() + "'", FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    String target = blank(input.targetTable()) ? "(from manifest)" : input.targetTable().strip();
    RunRecorder run = begin(WorkflowTypes.RESTORE_PARTITION, cluster, target, input);
    int version = Workflow.getVersion(RESTORE_CHECKS, Workflow.DEFAULT_VERSION, 1);
    String manifestKey = blank(input.manifestKey()) ? null : input.manifestKey().strip();
    try {
      if (manifestKey == null) {
        manifestKey = choose(run, cluster, database, input.partition().strip(), input.archivedAt());
      }
      String key = manifestKey;
      ArchiveManifest m = run.step("read manifest", () -> s3.readManifest(new ReadManifestInput(key)),
          x -> x.schema() + "." + x.table() + ": " + x.rows() + " rows, " + x.compression() + ", archived " + x.archivedAt());
      if (version >= 1 && (!cluster.equals(m.cluster()) || !database.equals(m.database()))) {
        throw ApplicationFailure.newNonRetryableFailure("manifest " + key + " is an archive of " + m.cluster() + "/"
            + m.database() + ", not of " + cluster + "/" + database + "; nothing was restored", FailureTypes.BAD_INPUT);
      }
      String table = blank(input.targetTable()) ? m.schema() + "." + m.table() : target;
      String schema = table.substring(0, table.indexOf('.'));
      String name = table.substring(table.indexOf('.') + 1);
      if (input.dryRun()) {
        run.plan("stream s3://" + m.bucket() + "/" + m.dataKey() + " | " + m.compression() + " -d, verify SHA-256");
        run.plan("BEGIN; CREATE TABLE " + table + " (" + m.columns().size() + " columns from the manifest); COPY "
            + table + " FROM STDIN (FORMAT csv, HEADER); check " + m.rows() + " rows and both SHA-256; COMMIT");
        if (input.attach()) {
          run.plan("ALTER TABLE " + m.parentSchema() + "." + m.parentTable() + " ATTACH PARTITION " + table + " " + m.boundSpec());
        }
        return new RestorePartitionResult(finish(RunbookState.COMPLETED, "dry run: would restore " + m.rows()
            + " rows into " + table + "; nothing was changed"), table, -1, false);
      }
      PostgresArchiveActivities restorer = HeavyQueue.used() ? heavyStream : stream;
      RestoreTableResult restored = run.step("restore", () -> restorer.restoreTable(new RestoreTableInput(cluster, database,
          key, m, schema, name, Workflow.getInfo().getRunId())),
          r -> r.rows() + " rows loaded into " + table + ", SHA-256 of object and CSV match the manifest"
              + (r.alreadyRestored() ? " (committed by an earlier attempt)" : ""));
      run.change("created " + table + " with " + restored.rows() + " rows from s3://" + m.bucket() + "/" + m.dataKey());
      boolean attached = false;
      if (input.attach()) {
        PartitionRef ref = new PartitionRef(cluster, database, schema, name, restored.oid(), m.parentSchema(), m.parentTable());
        run.step("attach", () -> {
          if (version >= 1) {
            sql.attachRestored(new AttachInput(ref, m.boundSpec()));
          } else {
            sql.attachPartition(new AttachInput(ref, m.boundSpec()));
          }
          return m.boundSpec();
        }, b -> "attached to " + ref.parentQualified() + " " + b);
        run.change("attached " + table + " to " + ref.parentQualified() + " " + m.boundSpec());
        attached = true;
      }
      return new RestorePartitionResult(finish(RunbookState.COMPLETED, "restored " + restored.rows() + " rows into "
          + table + (attached ? " and attached it" : "")), table, restored.rows(), attached);
    } catch (RuntimeException e) {
      fail("RestorePartition from " + (manifestKey == null ? "the archives of " + input.partition() : manifestKey)
          + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  /** The manifest key of the newest (or the {@code archivedAt}) archive of {@code partition}; the others go in the report. */
  private String choose(RunRecorder run, String cluster, String database, String partition, String archivedAt) {
    List<ArchiveEntry> listed = run.step("find archive", () -> s3.listArchives(new ListArchivesInput(cluster, database,
        partition)), l -> l.size() + " archive(s) of " + partition + " and its siblings");
    ArchiveChoice choice;
    try {
      choice = ArchiveChoice.choose(listed, partition, archivedAt);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.BAD_INPUT);
    }
    run.record("choose archive", StepRecord.DONE, run.now(), "restoring the archive of " + ArchiveChoice.describe(
        choice.chosen()) + (choice.others().isEmpty() ? "; it is the only one" : "; other archives of " + partition
        + ": " + String.join("; ", choice.others().stream().map(ArchiveChoice::describe).toList())));
    return choice.chosen().manifestKey();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
