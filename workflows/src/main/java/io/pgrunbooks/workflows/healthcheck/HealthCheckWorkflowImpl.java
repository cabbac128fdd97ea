package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveFacts;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestActivities;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.HealthDetailActivities;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DetailFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolFactsInput;
import io.pgrunbooks.workflows.activities.HealthFactsInput;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.PostgresActivities;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** See {@link HealthCheckWorkflow}. Collects in parallel, judges with {@link HealthEvaluator}. */
public class HealthCheckWorkflowImpl extends RunbookWorkflowBase implements HealthCheckWorkflow {
  private static final RetryOptions RETRY = ActivityStubs.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(10));

  private final ConfigActivities config = Workflow.newActivityStub(ConfigActivities.class,
      ActivityStubs.central(Duration.ofSeconds(10)).scheduleToClose(Duration.ofMinutes(1)).retry(RETRY).build());

  // The activity bounds its own connect and socket time; this only catches a stuck worker.
  private final PostgresActivities postgres = Workflow.newActivityStub(PostgresActivities.class,
      ActivityStubs.central(Duration.ofMinutes(2)).scheduleToClose(Duration.ofMinutes(5)).retry(RETRY).build());

  static final String BACKUP_AGE_CHANGE = "backup-age";
  /** Issues 16/18: sessions, wraparound, slots, WAL, archiver, indexes, PgBouncer pools; findings notification. */
  static final String MORNING_PAGE_CHANGE = "morning-page";

  private final HealthDetailActivities details = Workflow.newActivityStub(HealthDetailActivities.class,
      ActivityStubs.central(Duration.ofMinutes(3)).scheduleToClose(Duration.ofMinutes(6)).retry(RETRY).build());

  /** Issue 19: WAL archive lag and the newest physical backup's age, for clusters with a pgbackrest section. */
  static final String ARCHIVE_LAG_CHANGE = "archive-lag";

  private final ArchiveHealthActivities archive = Workflow.newActivityStub(ArchiveHealthActivities.class,
      ActivityStubs.central(Duration.ofMinutes(1)).scheduleToClose(Duration.ofMinutes(3)).retry(RETRY).build());

  private final BackupStoreActivities backups = Workflow.newActivityStub(BackupStoreActivities.class,
      ActivityStubs.central(Duration.ofSeconds(30)).scheduleToClose(Duration.ofMinutes(1)).retry(RETRY).build());

  @Override
  public HealthCheckResult run(HealthCheckInput input) {
    if (input == null || input.cluster() == null || input.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "HealthCheck needs a cluster, e.g. {\"cluster\": \"main\"}", FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    RunRecorder run = begin(WorkflowTypes.HEALTH_CHECK, cluster, cluster, input);
    try {
      ClusterSpec spec = run.step("describe cluster",
          () -> config.describeCluster(new DescribeClusterInput(cluster)),
          s -> s.nodes().size() + " nodes: " + String.join(", ", s.nodes().stream().map(NodeSpec::name).toList()));
      List<NodeObservation> observed = run.step("collect facts", () -> collect(spec), HealthCheckWorkflowImpl::describe);
      HealthVerdict evaluated = run.step("evaluate", () -> HealthEvaluator.evaluate(spec, observed), HealthVerdict::summary);
      // Added with the backup runbooks: runs recorded before it replay without the new activity.
      boolean backupAge = Workflow.getVersion(BACKUP_AGE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
      // Added with the morning page: runs recorded before it replay without its activities or notification.
      boolean morningPage = Workflow.getVersion(MORNING_PAGE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
      HealthVerdict detailed = morningPage
          ? run.step("morning page", () -> morningPage(spec, evaluated), HealthVerdict::summary)
          : evaluated;
      HealthVerdict aged = backupAge
          ? run.step("backup age", () -> BackupAgeCheck.apply(detailed, backupAges(cluster), now()),
              v -> v.clusterFindings().stream().filter(f -> BackupAgeCheck.CHECK.equals(f.check()))
                  .map(Finding::message).reduce((a, b) -> a + "; " + b).orElse("no backups to judge"))
          : detailed;
      // Added with pgBackRest (issue 19): runs recorded before it replay without its activities.
      boolean archiveLag = Workflow.getVersion(ARCHIVE_LAG_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
      HealthVerdict verdict = archiveLag
          ? run.step("archive lag and physical backup", () -> archiveAndPhysicalBackup(cluster, aged),
              v -> v.clusterFindings().stream().filter(f -> ArchiveCheck.ARCHIVE_LAG.equals(f.check())
                      || ArchiveCheck.PHYSICAL_BACKUP.equals(f.check()))
                  .map(Finding::message).reduce((a, b) -> a + "; " + b).orElse("no pgbackrest section: not checked"))
          : aged;
      // A sick cluster is a successful check: the verdict is in status, not in the run outcome.
      RunReport report = morningPage && verdict.status() != HealthStatus.HEALTHY
          ? finishWithFindings(verdict.status() == HealthStatus.UNHEALTHY ? Notification.CRITICAL
              : Notification.WARNING, DetailEvaluator.findingsText(verdict), verdict.summary())
          : finish(RunbookState.COMPLETED, verdict.summary());
      return new HealthCheckResult(report, verdict.status(), verdict.primary(), verdict.clusterFindings(),
          verdict.nodes());
    } catch (RuntimeException e) {
      fail("HealthCheck of " + cluster + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  /** Every node at once: SQL facts from the central worker, disk facts from each node's own agent. */
  private List<NodeObservation> collect(ClusterSpec spec) {
    List<Promise<NodeHealthFacts>> facts = new ArrayList<>();
    List<Promise<DiskOutcome>> disks = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      String name = node.name();
      facts.add(Async.function(postgres::collectHealthFacts, new HealthFactsInput(spec.name(), name))
          .handle((f, e) -> e == null ? f : NodeHealthFacts.unreachable(name,
              "health facts could not be collected: " + Failures.describe(e), now())));
      NodeActivities agent = agentOf(name, spec.agentStartTimeout());
      disks.add(Async.function(agent::diskUsage, new DiskUsageInput(spec.name(), name))
          .handle((d, e) -> e == null ? new DiskOutcome(d, null)
              : new DiskOutcome(null, agentProblem(name, spec.agentStartTimeout(), e))));
    }
    // Failures were turned into values above, so this waits for every node and never throws.
    Promise.allOf(Promise.allOf(facts), Promise.allOf(disks)).get();

    List<NodeObservation> observed = new ArrayList<>();
    for (int i = 0; i < spec.nodes().size(); i++) {
      DiskOutcome disk = disks.get(i).get();
      observed.add(new NodeObservation(spec.nodes().get(i).name(), facts.get(i).get(), disk.usage(), disk.error()));
    }
    return observed;
  }

  /** Every node's detail facts and the PgBouncer pools at once; a failed collection is a finding, not a failure. */
  private HealthVerdict morningPage(ClusterSpec spec, HealthVerdict verdict) {
    List<Promise<DetailFacts>> facts = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      facts.add(Async.function(details::collectDetailFacts, new HealthFactsInput(spec.name(), node.name()))
          .handle((f, e) -> e == null ? f : DetailFacts.failed(node.name(), Failures.describe(e))));
    }
    Promise<PoolFacts> pools = Async.function(details::collectPoolFacts, new PoolFactsInput(spec.name()))
        .handle((p, e) -> e == null ? p : new PoolFacts(true, Failures.describe(e), List.of()));
    Promise.allOf(Promise.allOf(facts), pools).get();
    HealthThresholds t = spec.health() != null ? spec.health() : HealthThresholds.defaults();
    return DetailEvaluator.apply(spec.name(), verdict, facts.stream().map(Promise::get).toList(), pools.get(),
        t.detailOrDefaults());
  }

  /** The bucket cannot be read: say so in the log, never fail or sicken the check for it. */
  private List<VerifiedBackupAge> backupAges(String cluster) {
    try {
      return backups.verifiedAges(new ListBackupsInput(cluster, null));
    } catch (RuntimeException e) {
      run().log("backup age not checked: " + Failures.describe(e));
      return List.of();
    }
  }

  /** Archive facts from the primary, backups from its agent; what cannot be read is a finding, never a failure. */
  private HealthVerdict archiveAndPhysicalBackup(String cluster, HealthVerdict verdict) {
    ArchiveFacts facts;
    try {
      facts = archive.collectArchiveFacts(cluster);
    } catch (RuntimeException e) {
      return ArchiveCheck.apply(verdict, null, Failures.describe(e), null, null, now());
    }
    if (!facts.configured()) {
      return verdict;
    }
    Duration toStart = Duration.ofSeconds(Math.max(1, facts.agentStartTimeoutSeconds()));
    PgBackRestActivities agent = Workflow.newActivityStub(PgBackRestActivities.class,
        ActivityStubs.onNode(facts.primary(), Duration.ofMinutes(5)).scheduleToStart(toStart).retry(RETRY).build());
    List<PgBackRestBackup> physical = null;
    String error = null;
    try {
      physical = agent.pgbackrestInfo(PgBackRestCall.info(cluster));
    } catch (RuntimeException e) {
      error = "pgbackrest info on " + facts.primary() + " failed: " + Failures.describe(e);
    }
    return ArchiveCheck.apply(verdict, facts, null, physical, error, now());
  }

  private NodeActivities agentOf(String node, Duration startTimeout) {
    return Workflow.newActivityStub(NodeActivities.class, ActivityStubs.onNode(node, Duration.ofMinutes(5))
        // A stopped agent leaves the task unclaimed; without this the run would wait forever.
        .scheduleToStart(startTimeout)
        .retry(RETRY)
        .build());
  }

  private static String agentProblem(String node, Duration startTimeout, RuntimeException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TimeoutFailure t && t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        return "node agent for " + node + " did not answer within " + startTimeout.toSeconds()
            + "s (queue " + TaskQueues.node(node) + ")";
      }
    }
    return "disk usage from the node agent of " + node + " failed: " + Failures.describe(e);
  }

  private static String describe(List<NodeObservation> observed) {
    long reachable = observed.stream().filter(o -> o.facts().reachable()).count();
    long agents = observed.stream().filter(o -> o.disk() != null).count();
    return "PostgreSQL answered on " + reachable + " of " + observed.size() + " nodes, node agents on "
        + agents + " of " + observed.size();
  }

  private Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  private record DiskOutcome(DiskUsage usage, String error) {}
}
