package io.pgrunbooks.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgrunbooks.config.ApprovalsConfig;
import io.pgrunbooks.workflows.common.PendingApproval;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingApprovalsTest {
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  static PendingApproval due(Instant deadline) {
    return new PendingApproval("r", "drop-partition", "t", Map.of(), "d", 1, List.of(), List.of("approver"), deadline,
        List.of());
  }

  @Test
  void theOldestApprovalsAgeIsItsTimeoutMinusTheTimeLeftToItsDeadline() {
    // 24h timeout: asked 20h ago leaves 4h; asked 1h ago leaves 23h.
    PendingApprovals.Summary s = PendingApprovals.summarize(
        List.of(due(NOW.plus(Duration.ofHours(4))), due(NOW.plus(Duration.ofHours(23)))), Duration.ofHours(24), NOW);
    assertThat(s.pending()).isEqualTo(2);
    assertThat(s.oldestAgeSeconds()).isEqualTo(20 * 3600.0);
    assertThat(PendingApprovals.summarize(List.of(), Duration.ofHours(24), NOW))
        .isEqualTo(new PendingApprovals.Summary(0, 0));
  }

  @Test
  void everyRunbooksGaugesAreScrapedBeforeAnyApprovalWasAsked() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (PendingApprovals p = new PendingApprovals(registry, null, null, Clock.systemUTC())) {
      String scrape = registry.scrape();
      assertThat(scrape).contains("runbooks_approvals_pending{runbook=\"Failover\"} 0.0")
          .contains("runbooks_approval_oldest_pending_age_seconds{runbook=\"ArchivePartition\"} 0.0");
    }
  }
}
