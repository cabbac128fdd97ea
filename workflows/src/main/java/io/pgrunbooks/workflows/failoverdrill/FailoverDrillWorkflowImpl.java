package io.pgrunbooks.workflows.failoverdrill;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.DrillReportInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.DrillSettings;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFacts;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFactsInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.PlanDigest;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.failover.FailoverStubs;
import io.pgrunbooks.workflows.failover.PatroniSwitchover;
import io.pgrunbooks.workflows.lock.LockLease;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link FailoverDrillWorkflow}. Preflight in {@link DrillChecks}, each switchover in {@link DrillPhaseRunner}. */
public class FailoverDrillWorkflowImpl extends RunbookWorkflowBase implements FailoverDrillWorkflow {
  static final String STEP = "failover-drill";
  /** getVersion id: a window more than DrillChecks.MAX_WINDOW_AHEAD away is refused (before: waited for it). */
  static final String WINDOW_BOUND_CHANGE = "drill-window-bounded";
  /** getVersion id: on a cluster with topology patroni each switchover goes through Patroni's POST /switchover. */
  static final String PATRONI_CHANGE = "drill-through-patroni";

  private FailoverStubs stubs;
  private DrillSettings drill;
  /** Set once the drill holds the lock and starts acting: from then on a failure is documented in a report. */
  private boolean acting;

  // Reads without side effects: retried until they answer, never on a non-retryable failure.
  private final ConfigActivities config = Workflow.newActivityStub(ConfigActivities.class,
      ActivityStubs.central(Duration.ofSeconds(10)).retry(ActivityStubs.untilDone()).build());
  private final BackupStoreActivities backups = Workflow.newActivityStub(BackupStoreActivities.class,
      ActivityStubs.central(Duration.ofMinutes(1)).retry(ActivityStubs.untilDone()).build());

  @Override
  public FailoverDrillResult run(FailoverDrillInput input) {
    if (input == null || input.cluster() == null || input.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("FailoverDrill needs a cluster, e.g. {\"cluster\": \"main\"}",
          FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    Instant started = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String drillId = "drill-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started);
    RunRecorder run = begin(WorkflowTypes.FAILOVER_DRILL, cluster, cluster, input);
    List<String> issues = new ArrayList<>();
    List<DrillPhase> phases = new ArrayList<>();
    try {
      ClusterSpec spec = run.step("describe cluster", () -> config.describeCluster(new DescribeClusterInput(cluster)),
          s -> s.nodes().size() + " nodes");
      // Runs recorded before the Patroni backend have no topology in the spec and never reach this version check.
      boolean onPatroni = spec.onPatroni() && Workflow.getVersion(PATRONI_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1;
      FailoverStubs stubs = new FailoverStubs(spec.agentStartTimeout());
      this.stubs = stubs;
      FailoverSettings settings = stubs.sql().failoverSettings(new FailoverFactsInput(cluster));
      DrillSettings d = settings.drill();
      this.drill = d;
      Instant windowStart = DrillChecks.windowStart(input.window(), d.windowSeconds(), started);
      if (Workflow.getVersion(WINDOW_BOUND_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
        DrillChecks.requireWindowWithinBound(windowStart, started, input.window());
      }
      FailoverFacts facts = run.step("preflight", () -> stubs.sql().failoverFacts(new FailoverFactsInput(cluster)),
          f -> "primary " + f.primary());
      String primary = DrillChecks.requirePrimary(facts);
      String replica = DrillChecks.chooseReplica(facts, input.replica(), d.maxLagSeconds());
      if (onPatroni) {
        new PatroniSwitchover(run, stubs, spec, settings, "").check(primary, replica);
      }
      if (d.requireVerifiedBackup()) {
        List<VerifiedBackupAge> ages = backups.verifiedAges(new ListBackupsInput(cluster, null));
        run.step("verified backup", () -> DrillChecks.requireVerifiedBackup(ages, d.maxBackupAgeSeconds(), started),
            s -> s);
      }
      run.plan("switchover " + primary + " → " + replica + (onPatroni ? " through Patroni (PAUSE, POST /switchover, "
          + "GET /cluster and a test write, repoint, RESUME), " : " (PAUSE, clean stop, replay, promote, repoint, "
          + "RESUME), ") + "proven by " + d.sentinelRows() + " sentinel rows and a probe write every "
          + d.probeIntervalMillis() + " ms");
      run.plan(onPatroni ? "Patroni rejoins " + primary + " as a replica; the drill waits until it streams"
          : "rejoin " + primary + " with pg_rewind (ReplicaRebuild if that fails)");
      if (input.switchesBack()) {
        run.plan("switch back " + replica + " → " + primary + " with the same proof; rejoin " + replica);
      }
      if (input.dryRun()) {
        RunReport report = finish(RunbookState.COMPLETED, "dry run: drill " + primary + " → " + replica
            + " at " + windowStart + "; nothing was changed");
        return result(report, drillId, cluster, "DRY_RUN", false, started, List.of(), phases, issues, List.of());
      }
      ApprovalOutcome approval = approve(primary, replica, windowStart, input, d);
      if (!approval.approved()) {
        boolean skipped = approval.status() == ApprovalOutcome.Status.TIMED_OUT && windowStart.isAfter(started);
        RunbookState state = skipped ? RunbookState.SKIPPED : approval.endState();
        RunReport report = finish(state, "drill " + (skipped ? "skipped: not approved before its window "
            + windowStart : approval.describe()) + "; nothing was touched");
        return result(report, drillId, cluster, state.name(), false, started, List.of(), phases, issues, List.of());
      }
      long wait = windowStart.toEpochMilli() - Workflow.currentTimeMillis();
      if (wait > 0) {
        run.step("wait for the drill window", () -> {
          Workflow.sleep(Duration.ofMillis(wait));
          return windowStart.toString();
        }, s -> "window opened at " + s);
      }
      try (LockLease lease = TopologyLock.acquire(cluster, WorkflowTypes.FAILOVER_DRILL, "failover drill " + drillId,
          lockInbox)) {
        FailoverFacts now = run.step("re-check preflight", () -> stubs.sql().failoverFacts(new FailoverFactsInput(cluster)),
            f -> "primary " + f.primary());
        if (!primary.equals(DrillChecks.requirePrimary(now))) {
          throw ApplicationFailure.newNonRetryableFailure("the primary moved from " + primary + " to " + now.primary()
              + " after the approval; nothing was touched", FailureTypes.SAFETY_REFUSED);
        }
        DrillChecks.chooseReplica(now, replica, d.maxLagSeconds());
        acting = true;
        DrillPhaseRunner phase = new DrillPhaseRunner(run, stubs, spec, settings, drillId, issues, input.requestedBy(),
            onPatroni);
        phases.add(phase.run("switchover", primary, replica));
        if (input.switchesBack()) {
          phases.add(phase.run("switch back", replica, primary));
        }
        lease.release();
      }
      return complete(run, stubs, cluster, drillId, started, phases, issues, d);
    } catch (RuntimeException e) {
      if (acting) {
        storeFailedReport(cluster, drillId, started, phases, issues, e);
      }
      fail("FailoverDrill failed: " + Failures.describe(e) + (phases.isEmpty() ? "" : "; phases done: "
          + phases.stream().map(DrillPhase::name).toList()) + (issues.isEmpty() ? "" : "; issues: " + issues)
          + "; see the steps and log for which node is primary now");
      throw e;
    }
  }

  /** A drill that stopped half way is documented too: the approvals page charts failed drills as well. */
  private void storeFailedReport(String cluster, String drillId, Instant started, List<DrillPhase> phases,
                                 List<String> issues, RuntimeException e) {
    issues.add("drill failed: " + Failures.describe(e));
    List<DrillCriterion> criteria = new ArrayList<>(DrillReport.criteria(phases, drill.recoveryTargetSeconds() * 1000,
        !drill.baselineTables().isEmpty()));
    criteria.add(new DrillCriterion("drill completed", false, Failures.describe(e)));
    String date = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(started);
    FailoverDrillResult r = result(null, drillId, cluster, "FAILED", false, started, criteria, phases, issues, List.of());
    // Detached: a cancelled drill is documented too.
    Workflow.newDetachedCancellationScope(() -> {
      try {
        run().step("store drill report", () -> stubs.sql().storeDrillReport(new DrillReportInput(cluster, date, drillId,
            r, DrillReport.markdown(r))), k -> String.join(", ", k));
      } catch (RuntimeException notStored) {
        run().log("report of the failed drill not stored: " + Failures.describe(notStored));
      }
    }).run();
  }

  private ApprovalOutcome approve(String primary, String replica, Instant windowStart, FailoverDrillInput input,
                                  DrillSettings d) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("switchover", primary + " → " + replica + (input.switchesBack() ? ", then back" : ""));
    evidence.put("window", windowStart.toString());
    evidence.put("expected client impact", "writes through PgBouncer queue (PAUSE) for a few seconds per switchover");
    evidence.put("proof", d.sentinelRows() + " sentinel rows + a probe write every " + d.probeIntervalMillis() + " ms");
    if (input.reason() != null) {
      evidence.put("reason", input.reason());
    }
    long untilWindow = windowStart.toEpochMilli() - Workflow.currentTimeMillis();
    ApprovalRequest request = new ApprovalRequest(STEP, "failover drill: switch over " + primary + " → " + replica
        + (input.switchesBack() ? " and back" : "") + " at " + windowStart, replica, evidence,
        PlanDigest.of(primary, replica, Boolean.toString(input.switchesBack())),
        untilWindow > 0 ? Duration.ofMillis(untilWindow) : null);
    return gate().request(request);
  }

  private FailoverDrillResult complete(RunRecorder run, FailoverStubs stubs, String cluster, String drillId,
                                       Instant started, List<DrillPhase> phases, List<String> issues, DrillSettings d) {
    List<DrillCriterion> criteria = new ArrayList<>(DrillReport.criteria(phases, d.recoveryTargetSeconds() * 1000,
        !d.baselineTables().isEmpty()));
    boolean passed = criteria.stream().allMatch(DrillCriterion::passed);
    String date = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(started);
    List<DrillCriterion> documented = new ArrayList<>(criteria);
    documented.add(new DrillCriterion(DrillReport.DOCUMENTED, true, "report.json and report.md under drills/" + cluster
        + "/" + date + "/"));
    FailoverDrillResult stored = result(null, drillId, cluster, passed ? "PASSED" : "FAILED", passed, started,
        documented, phases, issues, List.of());
    List<String> keys;
    try {
      keys = run.step("store drill report", () -> stubs.sql().storeDrillReport(new DrillReportInput(cluster, date,
          drillId, stored, DrillReport.markdown(stored))), k -> String.join(", ", k));
      criteria = documented;
    } catch (RuntimeException e) {
      issues.add("report not stored: " + Failures.describe(e));
      criteria.add(new DrillCriterion(DrillReport.DOCUMENTED, false, "storing failed: " + Failures.describe(e)));
      passed = false;
      keys = List.of();
    }
    FailoverDrillResult r = result(null, drillId, cluster, passed ? "PASSED" : "FAILED", passed, started, criteria,
        phases, issues, keys);
    RunReport report = finish(RunbookState.COMPLETED, "drill " + r.outcome() + ": writes unavailable "
        + r.writeUnavailableMillis() + " ms, promoted after " + r.timeToPromoteMillis() + " ms, " + r.probeErrors()
        + " probe errors; " + criteria.stream().map(c -> c.name() + " " + (c.passed() ? "PASS" : "FAIL")).toList()
        + (keys.isEmpty() ? "" : "; report at " + keys.get(0)));
    return result(report, drillId, cluster, r.outcome(), passed, started, criteria, phases, issues, keys);
  }

  private static FailoverDrillResult result(RunReport report, String drillId, String cluster, String outcome,
                                            boolean passed, Instant started, List<DrillCriterion> criteria,
                                            List<DrillPhase> phases, List<String> issues, List<String> keys) {
    long unavailable = phases.stream().mapToLong(DrillPhase::writeUnavailableMillis).max().orElse(0);
    long promote = phases.stream().mapToLong(DrillPhase::timeToPromoteMillis).max().orElse(0);
    int errors = phases.stream().mapToInt(DrillPhase::probeErrors).sum();
    long replication = phases.stream().mapToLong(DrillPhase::replicationMillis).max().orElse(0);
    long total = Workflow.currentTimeMillis() - started.toEpochMilli();
    return new FailoverDrillResult(report, drillId, cluster, outcome, passed, started, List.copyOf(criteria), unavailable,
        promote, errors, replication, total, List.copyOf(phases), List.copyOf(issues), List.copyOf(keys));
  }
}
