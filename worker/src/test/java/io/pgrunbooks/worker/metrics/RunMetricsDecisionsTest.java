package io.pgrunbooks.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsResult;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Approval wait time and terminated sessions, from a finished run's result (issue 20's missing metrics). */
class RunMetricsDecisionsTest {
  private static final Instant ASKED = Instant.parse("2026-12-06T10:00:00Z");

  private static RunReport report(String runbook, boolean dryRun, List<StepRecord> steps, List<ApprovalRecord> approvals) {
    return new RunReport(runbook, "main", "main", dryRun, RunbookState.COMPLETED, "s", steps, approvals, List.of(),
        List.of(), List.of(), ASKED.minusSeconds(60), ASKED.plusSeconds(3600), 0);
  }

  @Test
  void approvalWaitIsFromTheApprovalStepStartToEachDecisionAndPreApprovalsDoNotWait() {
    RunReport r = report("TerminateSessions", false,
        List.of(new StepRecord("approval terminate-1", StepRecord.DONE, ASKED, ASKED.plusSeconds(300), "ok"),
            new StepRecord("approval terminate-2", StepRecord.DONE, ASKED, ASKED, "pre-approved")),
        List.of(new ApprovalRecord("terminate-1", "terminate", "alice", ASKED.plusSeconds(120), "APPROVED", "go"),
            new ApprovalRecord("terminate-1", "terminate", "bob", ASKED.plusSeconds(300), "APPROVED", "go"),
            new ApprovalRecord("terminate-2", "terminate", "config", ASKED, "PRE_APPROVED", "config path")));

    RunMetrics.Emission e = RunMetrics.finished("TerminateSessions", r, 1);

    assertThat(e.timings()).containsExactly(
        new RunMetrics.Timing(RunMetrics.APPROVAL_WAIT, Map.of("runbook", "TerminateSessions", "decision", "APPROVED"), 120_000),
        new RunMetrics.Timing(RunMetrics.APPROVAL_WAIT, Map.of("runbook", "TerminateSessions", "decision", "APPROVED"), 300_000));
  }

  @Test
  void terminatedSessionsAreCountedPerClusterOnlyForRealRunsAndAreScrapedAsTotal() throws Exception {
    TerminateSessionsResult real = new TerminateSessionsResult(report("TerminateSessions", false, List.of(), List.of()),
        List.of(), List.of(7), List.of(11, 12, 13), List.of(14), List.of(), List.of());
    TerminateSessionsResult dry = new TerminateSessionsResult(report("TerminateSessions", true, List.of(), List.of()),
        List.of(), List.of(), List.of(11), List.of(), List.of(), List.of());

    RunMetrics.Emission e = RunMetrics.finished("TerminateSessions", real, 1);
    assertThat(e.counts()).contains(new RunMetrics.Count(RunMetrics.SESSIONS_TERMINATED, Map.of("cluster", "main"), 3));
    assertThat(RunMetrics.finished("TerminateSessions", dry, 1).counts())
        .noneMatch(c -> c.name().equals(RunMetrics.SESSIONS_TERMINATED));

    // The names Prometheus shows, through the same reporter the worker uses.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Scope scope = new RootScopeBuilder().reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofMillis(10));
    for (RunMetrics.Count c : e.counts()) {
      scope.tagged(c.tags()).counter(c.name()).inc(c.amount());
    }
    scope.tagged(Map.of("runbook", "Failover", "decision", "REJECTED")).timer(RunMetrics.APPROVAL_WAIT)
        .record(com.uber.m3.util.Duration.ofMillis(90_000));
    scope.close();
    String scrape = registry.scrape();
    assertThat(scrape).contains("runbooks_sessions_terminated_total{cluster=\"main\"} 3.0")
        .contains("runbooks_approval_wait_seconds_count{decision=\"REJECTED\",runbook=\"Failover\"} 1")
        .contains("runbooks_approval_wait_seconds_sum{decision=\"REJECTED\",runbook=\"Failover\"} 90.0");
  }

  @Test
  void partitionCountsOfARunInBatchChildrenComeFromTheBatchSummaries() {
    PartitionMaintenanceResult r = new PartitionMaintenanceResult(report("PartitionMaintenance", false, List.of(),
        List.of()), List.of(), List.of(new PartitionBatchResult("pm/batch-1", RunbookState.COMPLETED, "s", List.of(
            new PartitionBatchResult.TableSummary("public.a", "OK", 2, 2, 10, 10, List.of()),
            new PartitionBatchResult.TableSummary("public.b", "OK", 0, 0, 0, 0, List.of())), null)));

    RunMetrics.Emission e = RunMetrics.finished("PartitionMaintenance", r, 1);

    assertThat(e.counts()).containsExactly(
        new RunMetrics.Count(RunMetrics.PARTITIONS_CREATED, Map.of("cluster", "main", "table", "public.a"), 2),
        new RunMetrics.Count(RunMetrics.PARTITIONS_DROPPED, Map.of("cluster", "main", "table", "public.a"), 10));
  }
}
