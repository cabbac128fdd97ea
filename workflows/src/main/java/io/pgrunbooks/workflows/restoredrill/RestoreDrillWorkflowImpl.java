package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** See {@link RestoreDrillWorkflow}. */
public class RestoreDrillWorkflowImpl extends RunbookWorkflowBase implements RestoreDrillWorkflow {
  /** Version marker: drills keep a history in the bucket and a passed one marks its backup as proven. */
  static final String DRILL_HISTORY = "drill-history";
  private final RestoreDrillActivities central = RestoreDrillStubs.central();

  @Override
  public RestoreDrillResult run(RestoreDrillInput input) {
    if (input == null || input.cluster() == null || input.cluster().isBlank()) {
      throw badInput("RestoreDrill needs a cluster, e.g. {\"cluster\": \"main\", \"database\": \"app\"}");
    }
    long requested;
    try {
      requested = RestoreDrillRules.parseTarget(input.targetTime());
    } catch (IllegalArgumentException e) {
      throw badInput(e.getMessage());
    }
    long nowMicros = TimeUnit.MILLISECONDS.toMicros(Workflow.currentTimeMillis());
    if (requested > nowMicros) {
      throw badInput("targetTime " + RestoreDrillRules.targetText(requested) + " is in the future (now "
          + RestoreDrillRules.targetText(nowMicros) + "); a drill restores to a time already archived");
    }
    String cluster = input.cluster().strip();
    String database = input.database() == null || input.database().isBlank() ? null : input.database().strip();
    RunRecorder run = begin(WorkflowTypes.RESTORE_DRILL, cluster, cluster, input);
    try {
      DrillTarget target = run.step("read target", () -> central.restoreDrillTarget(cluster, database),
          t -> "stanza " + t.stanza() + ", scratch instance on " + t.node() + " (primary now, " + t.host()
              + "), database " + t.database());
      List<PgBackRestBackup> backups = run.step("list backups", () -> RestoreDrillStubs.pgbackrest(target)
          .pgbackrestInfo(PgBackRestCall.info(cluster)), l -> l.size() + " backups");
      PgBackRestBackup backup;
      try {
        backup = RestoreDrillRules.chooseBackup(backups, requested, cluster);
      } catch (IllegalArgumentException e) {
        throw badInput(e.getMessage());
      }
      run.log("restoring " + backup.type() + " backup " + backup.label());
      String scratch = RestoreDrillRules.scratchName(Workflow.getInfo().getWorkflowId());
      if (input.dryRun()) {
        run.plan("on " + target.node() + ": sentinel rows in " + target.database() + ".pgrunbooks.drill_sentinel, "
            + "pg_switch_wal()");
        run.plan("on " + target.node() + ": pgbackrest --stanza=" + target.stanza() + " --set=" + backup.label()
            + " --type=time --target=" + (requested == 0 ? "<between the sentinels>"
            : RestoreDrillRules.targetText(requested)) + " --target-action=promote --archive-mode=off restore into "
            + scratch + ", start, check, stop, delete");
        RunReport report = finish(RunbookState.COMPLETED, "dry run: would restore " + backup.label() + " of " + cluster
            + " into scratch instance " + scratch + " on " + target.node());
        return new RestoreDrillResult(report, target.node(), backup.label(), null, -1, -1, List.of(), false);
      }
      SentinelFacts sentinels = run.step("sentinels", () -> central.drillSentinels(new SentinelCall(cluster,
          target.database(), Workflow.getInfo().getWorkflowId(), requested)), RestoreDrillWorkflowImpl::describe);
      if (sentinels.beforeId() != 0 || sentinels.afterId() != 0) {
        run.change("sentinel rows " + (sentinels.beforeId() == 0 ? "" : sentinels.beforeId() + " (before), ")
            + sentinels.afterId() + " (after) in " + target.database() + ".pgrunbooks.drill_sentinel");
      }
      return drill(run, cluster, target, backup, scratch, sentinels);
    } catch (RuntimeException e) {
      fail("RestoreDrill of " + cluster + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  private RestoreDrillResult drill(RunRecorder run, String cluster, DrillTarget target, PgBackRestBackup backup,
                                   String scratch, SentinelFacts sentinels) {
    DrillScratchActivities agent = RestoreDrillStubs.agent(target);
    List<DrillCheck> checks = new ArrayList<>();
    double rto = -1;
    try {
      DrillInstance instance;
      try {
        instance = run.step("restore", () -> agent.drillRestore(new DrillRestoreCall(cluster, scratch, backup.label(),
            sentinels.target())), i -> String.format(Locale.ROOT, "restored into %s, port %d: restore %.1f s, "
            + "queryable after %.1f s", i.dataDir(), i.port(), i.restoreSeconds(), i.rtoSeconds()));
      } catch (ActivityFailure e) {
        // A restore PostgreSQL could not complete is the drill's finding, not an error of the run.
        checks.add(new DrillCheck("restore", false, Failures.describe(e)));
        instance = null;
      }
      if (instance != null) {
        rto = instance.rtoSeconds();
        DrillInstance started = instance;
        DrillFacts facts = run.step("verify", () -> central.drillCheck(new DrillCheckCall(cluster, target.database(),
            target.host(), started.port(), sentinels)), f -> f.tables().size() + " tables counted, "
            + f.indexesChecked() + " indexes checked");
        checks.addAll(RestoreDrillRules.checks(sentinels, instance, facts));
      }
    } finally {
      // Always, also when the run is cancelled or failed: the scratch instance holds a copy of the data.
      Workflow.newDetachedCancellationScope(() -> run.step("remove scratch", () -> agent.drillRemove(
          new DrillRemoveCall(cluster, scratch)), removed -> removed ? "stopped and deleted " + scratch
          : "nothing left under " + scratch)).run();
    }
    // Proven restorable: restored and every data check passed (a missed objective is slow, not broken).
    boolean restored = rto >= 0 && checks.stream().allMatch(DrillCheck::ok);
    checks.addAll(RestoreDrillRules.objectives(rto, sentinels.rpoSeconds(), target));
    String severity = RestoreDrillRules.severity(checks);
    String summary = String.format(Locale.ROOT, "restore drill of %s: backup %s to %s, RTO %.1f s, RPO %d s; %s",
        cluster, backup.label(), sentinels.target(), rto, sentinels.rpoSeconds(),
        severity == null ? "every check passed" : "FAILED " + String.join(", ", checks.stream().filter(c -> !c.ok())
            .map(DrillCheck::name).toList()));
    if (Workflow.getVersion(DRILL_HISTORY, Workflow.DEFAULT_VERSION, 1) >= 1) {
      DrillRecord record = new DrillRecord(cluster, Instant.ofEpochMilli(Workflow.getInfo()
          .getRunStartedTimestampMillis()).toString(), backup.label(), sentinels.target(), rto, sentinels.rpoSeconds(),
          severity == null, checks.stream().filter(c -> !c.ok()).map(DrillCheck::name).toList(),
          Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId());
      DrillProofs.keep(run, target, record, restored);
    }
    RunReport report;
    if (severity == null) {
      report = finish(RunbookState.COMPLETED, summary);
    } else {
      String findings = String.join("\n", checks.stream().filter(c -> !c.ok())
          .map(c -> "- " + c.name() + ": " + c.detail()).toList());
      report = finishWithFindings(severity, findings, summary);
    }
    return new RestoreDrillResult(report, target.node(), backup.label(), sentinels.target(), rto,
        sentinels.rpoSeconds(), List.copyOf(checks), severity == null);
  }

  private static String describe(SentinelFacts s) {
    return "target " + s.target() + "; RPO " + (s.rpoSeconds() < 0 ? "unknown (nothing archived yet)"
        : s.rpoSeconds() + " s (newest archived WAL " + s.lastArchivedWal() + ")") + ", " + s.archiveFailures()
        + " archive failures";
  }

  private static ApplicationFailure badInput(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.BAD_INPUT);
  }
}
