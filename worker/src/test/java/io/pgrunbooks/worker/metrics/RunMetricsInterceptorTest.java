package io.pgrunbooks.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.pgrunbooks.workflows.partitionmaintenance.TableReport;
import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor on a real (test) worker, read back through the worker's Prometheus registry. */
class RunMetricsInterceptorTest {
  /** Stands in for the Backup runbook: same type name, returns a report. */
  @WorkflowInterface
  public interface FakeBackup {
    @WorkflowMethod(name = "Backup")
    RunReport run(boolean dryRun);
  }

  /** Stands in for RestorePartition: fails. */
  @WorkflowInterface
  public interface FakeArchive {
    @WorkflowMethod(name = "RestorePartition")
    RunReport run(String why);
  }

  /** ArchivePartition, FailoverDrill and PartitionMaintenance with real result types. */
  @WorkflowInterface
  public interface FakeArchiveRun {
    @WorkflowMethod(name = "ArchivePartition")
    ArchivePartitionResult run();
  }

  @WorkflowInterface
  public interface FakeDrill {
    @WorkflowMethod(name = "FailoverDrill")
    FailoverDrillResult run();
  }

  @WorkflowInterface
  public interface FakeMaintenance {
    @WorkflowMethod(name = "PartitionMaintenance")
    PartitionMaintenanceResult run();
  }

  public static class FakeArchiveRunImpl implements FakeArchiveRun {
    @Override
    public ArchivePartitionResult run() {
      return new ArchivePartitionResult(report("ArchivePartition", false, RunbookState.COMPLETED, List.of()),
          "s3://b/k", "m", 42, true, false, 1000, 300, "h", Instant.EPOCH);
    }
  }

  public static class FakeDrillImpl implements FakeDrill {
    @Override
    public FailoverDrillResult run() {
      return new FailoverDrillResult(report("FailoverDrill", false, RunbookState.COMPLETED, List.of()), "d1", "main",
          "PASSED", true, Instant.EPOCH, List.of(), 2500, 1200, 0, 0, 9000, List.of(), List.of(), List.of());
    }
  }

  public static class FakeMaintenanceImpl implements FakeMaintenance {
    @Override
    public PartitionMaintenanceResult run() {
      return new PartitionMaintenanceResult(report("PartitionMaintenance", false, RunbookState.COMPLETED, List.of()),
          List.of(new TableReport("public.events", "OK", List.of("public.events_2027_01", "public.events_2027_02"),
              null, List.of(), List.of("public.events_2026_01"), List.of())));
    }
  }

  public static class FakeBackupImpl implements FakeBackup {
    @Override
    public RunReport run(boolean dryRun) {
      Workflow.sleep(Duration.ofMinutes(3));
      return report("Backup", dryRun, RunbookState.COMPLETED, List.of(
          new ApprovalRecord("r1", "delete-backups", "alice", Instant.EPOCH, "APPROVED", "ok")));
    }
  }

  public static class FakeArchiveImpl implements FakeArchive {
    @Override
    public RunReport run(String why) {
      throw ApplicationFailure.newNonRetryableFailure(why, "Refused");
    }
  }

  PrometheusMeterRegistry registry;
  Scope scope;
  TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    scope = new RootScopeBuilder().reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofMillis(10));
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setMetricsScope(scope)
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
            .setWorkerInterceptors(new RunMetricsInterceptor()).build())
        .build());
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(FakeBackupImpl.class, FakeArchiveImpl.class, FakeArchiveRunImpl.class,
        FakeDrillImpl.class, FakeMaintenanceImpl.class);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void finishedRunsAreCountedByRunbookAndOutcomeWithDurationAndLastSuccess() throws Exception {
    WorkflowClient client = env.getWorkflowClient();
    client.newWorkflowStub(FakeBackup.class, options("b1")).run(false);
    client.newWorkflowStub(FakeBackup.class, options("b2")).run(true);
    assertThatThrownBy(() -> client.newWorkflowStub(FakeArchive.class, options("a1")).run("no"));

    String scrape = scrapeWhen("runbooks_runs_finished_total", "RestorePartition");
    assertThat(line(scrape, "runbooks_runs_started_total", "runbook=\"Backup\"")).endsWith(" 2.0");
    assertThat(line(scrape, "runbooks_runs_finished_total", "outcome=\"COMPLETED\"", "runbook=\"Backup\""))
        .endsWith(" 2.0");
    assertThat(line(scrape, "runbooks_runs_finished_total", "outcome=\"FAILED\"", "runbook=\"RestorePartition\""))
        .endsWith(" 1.0");
    // The run slept 3 minutes of workflow time (the test server skips it): duration is workflow time.
    assertThat(value(line(scrape, "runbooks_run_duration_seconds_sum", "runbook=\"Backup\""))).isGreaterThanOrEqualTo(360.0);
    // Only the real run counts as the last success, with the run's cluster and target.
    String last = line(scrape, "runbooks_last_success_timestamp_seconds", "cluster=\"main\"", "target=\"app\"");
    assertThat(value(last)).isGreaterThan(Instant.now().minus(Duration.ofDays(1)).getEpochSecond());
    assertThat(line(scrape, "runbooks_approval_decisions_total", "decision=\"APPROVED\"")).endsWith(" 2.0");
  }

  @Test
  void archiveDrillAndPartitionResultsBecomeMetricsAndTheDashboardNamesOnlyExportedOnes() throws Exception {
    WorkflowClient client = env.getWorkflowClient();
    client.newWorkflowStub(FakeArchiveRun.class, options("a")).run();
    client.newWorkflowStub(FakeDrill.class, options("d")).run();
    client.newWorkflowStub(FakeMaintenance.class, options("p")).run();
    String scrape = scrapeWhen("runbooks_partition_drops_total", "public.events");
    assertThat(line(scrape, "runbooks_archive_bytes_total", "cluster=\"main\"")).endsWith(" 300.0");
    assertThat(line(scrape, "runbooks_archive_rows_total", "cluster=\"main\"")).endsWith(" 42.0");
    assertThat(line(scrape, "runbooks_drill_write_unavailable_seconds", "cluster=\"main\"")).endsWith(" 2.5");
    assertThat(line(scrape, "runbooks_drill_time_to_promote_seconds", "cluster=\"main\"")).endsWith(" 1.2");
    assertThat(line(scrape, "runbooks_partition_creations_total", "table=\"public.events\"")).endsWith(" 2.0");
    assertThat(line(scrape, "runbooks_partition_drops_total", "table=\"public.events\"")).endsWith(" 1.0");
    assertThat(line(scrape, "runbooks_last_success_timestamp_seconds", "runbook=\"FailoverDrill\"")).isNotNull();

    // Every runbooks_* name the dashboard queries is one this pipeline (or the pending-approvals
    // gauges) exports; HealthCheckEndToEndTest checks the rest against a live worker's scrape.
    client.newWorkflowStub(FakeBackup.class, options("b")).run(false);
    String all = scrapeWhen("runbooks_approval_decisions_total", "APPROVED");
    PrometheusMeterRegistry approvals = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new PendingApprovals(approvals, null, null, java.time.Clock.systemUTC()).close();
    java.util.Set<String> exported = new java.util.TreeSet<>(DashboardMetrics.scraped(all));
    exported.addAll(DashboardMetrics.scraped(approvals.scrape()));
    assertThat(exported).containsAll(DashboardMetrics.names().stream().filter(n -> n.startsWith("runbooks_")).toList());
  }

  @Test
  void archiveBytesAndRowsComeFromARealRunsResultOnly() {
    RunReport real = report("ArchivePartition", false, RunbookState.COMPLETED, List.of());
    RunMetrics.Emission e = RunMetrics.finished("ArchivePartition",
        new ArchivePartitionResult(real, "s3://b/k", "m", 42, true, false, 1000, 300, "h", Instant.EPOCH), 1);
    assertThat(e.counts()).contains(
        new RunMetrics.Count(RunMetrics.ARCHIVE_BYTES, Map.of("cluster", "main"), 300),
        new RunMetrics.Count(RunMetrics.ARCHIVE_ROWS, Map.of("cluster", "main"), 42));
    RunReport dry = report("ArchivePartition", true, RunbookState.COMPLETED, List.of());
    assertThat(RunMetrics.finished("ArchivePartition",
        new ArchivePartitionResult(dry, null, null, 42, false, false), 1).counts()).isEmpty();
  }

  private static WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build();
  }

  static RunReport report(String runbook, boolean dryRun, RunbookState outcome, List<ApprovalRecord> approvals) {
    return new RunReport(runbook, "main", "app", dryRun, outcome, "s", List.of(), approvals, List.of(), List.of(),
        List.of(), Instant.EPOCH, Instant.EPOCH, 0);
  }

  private String scrapeWhen(String metric, String contains) throws InterruptedException {
    String scrape = "";
    for (int i = 0; i < 100; i++) {
      scrape = registry.scrape();
      if (scrape.lines().anyMatch(l -> l.startsWith(metric) && l.contains(contains))) {
        return scrape;
      }
      Thread.sleep(50);
    }
    return scrape;
  }

  static String line(String scrape, String metric, String... tags) {
    return scrape.lines().filter(l -> l.startsWith(metric + "{"))
        .filter(l -> List.of(tags).stream().allMatch(l::contains)).findFirst()
        .orElseThrow(() -> new AssertionError(metric + " " + List.of(tags) + " not in\n" + scrape));
  }

  static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
