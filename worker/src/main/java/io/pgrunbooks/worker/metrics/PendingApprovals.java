package io.pgrunbooks.worker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgrunbooks.config.ApprovalsConfig;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.registry.Runbooks;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the approvals waiting now, per runbook: how many, and the age of the oldest. A run's
 * own metrics cannot say this (a waiting run emits nothing, and a gauge set from workflow code
 * would be lost when the worker restarts), so the central worker asks Temporal: visibility for
 * runs whose {@code RunbookState} is {@code AWAITING_APPROVAL}, then each run's {@code progress}
 * query for its pending approvals. An approval's age is its timeout (from the config, as the run
 * used it) minus the time left to its deadline. Every runbook's gauges exist from the start (0).
 */
public final class PendingApprovals implements AutoCloseable {
  public static final String PENDING = "runbooks_approvals_pending";
  public static final String OLDEST_AGE = "runbooks_approval_oldest_pending_age_seconds";
  static final String QUERY = "ExecutionStatus='Running' AND RunbookState='AWAITING_APPROVAL'";
  private static final Logger log = LoggerFactory.getLogger(PendingApprovals.class);

  /** Count and oldest age of one runbook's pending approvals. */
  record Summary(int pending, double oldestAgeSeconds) {}

  private final Map<String, Summary> current = new ConcurrentHashMap<>();
  private final WorkflowClient client;
  private final ApprovalsConfig approvals;
  private final Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pending-approvals-metrics");
    t.setDaemon(true);
    return t;
  });

  public PendingApprovals(MeterRegistry registry, WorkflowClient client, ApprovalsConfig approvals, Clock clock) {
    this.client = client;
    this.approvals = approvals;
    this.clock = clock;
    for (String runbook : Runbooks.types()) {
      current.put(runbook, new Summary(0, 0));
      Gauge.builder(PENDING, () -> current.get(runbook).pending()).tag("runbook", runbook)
          .description("approvals waiting for a decision").register(registry);
      Gauge.builder(OLDEST_AGE, () -> current.get(runbook).oldestAgeSeconds()).tag("runbook", runbook)
          .description("age of the oldest approval waiting for a decision (0 when none)").register(registry);
    }
  }

  /** Refreshes every {@code every} until closed; a failed refresh keeps the last values. */
  public PendingApprovals startRefreshing(Duration every) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        refresh();
      } catch (RuntimeException e) {
        log.warn("pending approvals metrics not refreshed: {}", e.toString());
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  void refresh() {
    Map<String, List<PendingApproval>> byRunbook = new HashMap<>();
    client.listExecutions(QUERY).limit(1000).forEach(m -> {
      if (m.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return;
      }
      List<PendingApproval> pending = pendingOf(m);
      byRunbook.computeIfAbsent(m.getWorkflowType(), k -> new java.util.ArrayList<>()).addAll(pending);
    });
    Instant now = clock.instant();
    for (String runbook : Runbooks.types()) {
      current.put(runbook, summarize(byRunbook.getOrDefault(runbook, List.of()), approvals.timeout(runbook), now));
    }
  }

  private List<PendingApproval> pendingOf(WorkflowExecutionMetadata m) {
    try {
      Progress p = client.newUntypedWorkflowStub(m.getExecution().getWorkflowId())
          .query("progress", Progress.class);
      return p == null || p.pendingApprovals() == null ? List.of() : p.pendingApprovals();
    } catch (RuntimeException e) {
      // A run that finished between the listing and the query waits for nothing any more.
      return List.of();
    }
  }

  /** Pure: how many are waiting and how long the oldest has waited, from deadlines and the timeout. */
  static Summary summarize(List<PendingApproval> pending, Duration timeout, Instant now) {
    double oldest = 0;
    for (PendingApproval a : pending) {
      if (a.deadline() != null) {
        Instant asked = a.deadline().minus(timeout);
        oldest = Math.max(oldest, Math.max(0, Duration.between(asked, now).toMillis() / 1000.0));
      }
    }
    return new Summary(pending.size(), oldest);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
