package io.pgrunbooks.worker.metrics;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsResult;
import java.time.Instant;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.pgrunbooks.workflows.partitionmaintenance.TableReport;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one finished run adds to the runbook metrics, decided from its result alone (no I/O, no
 * clock): the interceptor that emits it runs inside workflow code. Every metric name keeps one tag
 * set, as Prometheus (and Micrometer's Prometheus registry) require.
 */
public final class RunMetrics {
  /** Runs started; tags {@code runbook}. */
  public static final String RUNS_STARTED = "runbooks_runs_started";
  /** Runs finished; tags {@code runbook, outcome} (COMPLETED, REJECTED, TIMED_OUT, SKIPPED, FAILED, CANCELED). */
  public static final String RUNS_FINISHED = "runbooks_runs_finished";
  /** Run duration from start to finish; tags {@code runbook, outcome}. */
  public static final String RUN_DURATION = "runbooks_run_duration";
  /** Epoch seconds of the last COMPLETED, non-dry run; tags {@code runbook, cluster, target}. */
  public static final String LAST_SUCCESS = "runbooks_last_success_timestamp_seconds";
  /** Approval decisions found in finished runs' reports; tags {@code runbook, decision}. */
  public static final String APPROVAL_DECISIONS = "runbooks_approval_decisions";
  /** Archived bytes (compressed object) and rows; tags {@code cluster}. */
  public static final String ARCHIVE_BYTES = "runbooks_archive_bytes";
  public static final String ARCHIVE_ROWS = "runbooks_archive_rows";
  /** Last drill's client write unavailability and time to promote, in seconds; tags {@code cluster}. */
  public static final String DRILL_WRITE_UNAVAILABLE = "runbooks_drill_write_unavailable_seconds";
  public static final String DRILL_TIME_TO_PROMOTE = "runbooks_drill_time_to_promote_seconds";
  /** Partitions created and dropped by PartitionMaintenance; tags {@code cluster, table}. Not
   * "partitions_created": Prometheus reserves the {@code _created} suffix and Micrometer strips it. */
  public static final String PARTITIONS_CREATED = "runbooks_partition_creations";
  public static final String PARTITIONS_DROPPED = "runbooks_partition_drops";
  /** Time from an approval request to each decision on it (APPROVED, REJECTED, TIMED_OUT); tags {@code runbook, decision}. */
  public static final String APPROVAL_WAIT = "runbooks_approval_wait";
  /** Sessions terminated by TerminateSessions (pg_terminate_backend that ended them); tags {@code cluster}. */
  public static final String SESSIONS_TERMINATED = "runbooks_sessions_terminated";
  private static final Set<String> WAITED_DECISIONS = Set.of("APPROVED", "REJECTED", "TIMED_OUT");

  /** Runbooks whose last success is an operational promise (backups, their proof, drills, checks). */
  static final Set<String> TRACKED_SUCCESS = Set.of(WorkflowTypes.BACKUP, WorkflowTypes.BACKUP_VERIFICATION,
      WorkflowTypes.FAILOVER_DRILL, WorkflowTypes.HEALTH_CHECK, WorkflowTypes.PARTITION_MAINTENANCE);

  /** One increment of a counter. */
  public record Count(String name, Map<String, String> tags, long amount) {}

  /** One gauge value. */
  public record Gauge(String name, Map<String, String> tags, double value) {}

  /** One timer sample, in milliseconds. */
  public record Timing(String name, Map<String, String> tags, long millis) {}

  /** Everything a finished run emits besides runs_finished and the duration. */
  public record Emission(String outcome, List<Count> counts, List<Gauge> gauges, List<Timing> timings) {}

  private RunMetrics() {}

  /** The run's report: the result itself or its {@code RunReport} component; null for results without one. */
  static RunReport reportOf(Object result) {
    if (result instanceof RunReport r) {
      return r;
    }
    if (result != null && result.getClass().isRecord()) {
      for (RecordComponent c : result.getClass().getRecordComponents()) {
        if (c.getType() == RunReport.class) {
          try {
            return (RunReport) c.getAccessor().invoke(result);
          } catch (ReflectiveOperationException e) {
            return null;
          }
        }
      }
    }
    return null;
  }

  /** What a run of {@code runbook} that returned {@code result} at {@code nowEpochSeconds} emits. */
  public static Emission finished(String runbook, Object result, double nowEpochSeconds) {
    RunReport report = reportOf(result);
    String outcome = report == null ? RunbookState.COMPLETED.name() : report.outcome().name();
    List<Count> counts = new ArrayList<>();
    List<Gauge> gauges = new ArrayList<>();
    List<Timing> timings = new ArrayList<>();
    if (report != null) {
      for (ApprovalRecord a : report.approvals()) {
        counts.add(new Count(APPROVAL_DECISIONS, tags("runbook", runbook, "decision", a.decision()), 1));
        Instant asked = askedAt(report, a.requestId());
        if (asked != null && a.at() != null && WAITED_DECISIONS.contains(a.decision())) {
          timings.add(new Timing(APPROVAL_WAIT, tags("runbook", runbook, "decision", a.decision()),
              Math.max(0, a.at().toEpochMilli() - asked.toEpochMilli())));
        }
      }
      if (!report.dryRun() && report.outcome() == RunbookState.COMPLETED && TRACKED_SUCCESS.contains(runbook)) {
        gauges.add(new Gauge(LAST_SUCCESS, tags("runbook", runbook, "cluster", report.cluster(),
            "target", report.target() == null ? "" : report.target()), nowEpochSeconds));
      }
    }
    String cluster = report == null || report.cluster() == null ? "" : report.cluster();
    boolean real = report != null && !report.dryRun();
    if (real && result instanceof ArchivePartitionResult a && a.objectBytes() >= 0) {
      counts.add(new Count(ARCHIVE_BYTES, tags("cluster", cluster), a.objectBytes()));
      counts.add(new Count(ARCHIVE_ROWS, tags("cluster", cluster), a.rows()));
    }
    if (real && result instanceof FailoverDrillResult d && d.passed()) {
      gauges.add(new Gauge(DRILL_WRITE_UNAVAILABLE, tags("cluster", cluster), d.writeUnavailableMillis() / 1000.0));
      gauges.add(new Gauge(DRILL_TIME_TO_PROMOTE, tags("cluster", cluster), d.timeToPromoteMillis() / 1000.0));
    }
    if (real && result instanceof PartitionMaintenanceResult p) {
      for (TableReport t : p.tables()) {
        if (!t.created().isEmpty()) {
          counts.add(new Count(PARTITIONS_CREATED, tags("cluster", cluster, "table", t.table()), t.created().size()));
        }
        if (!t.retired().isEmpty()) {
          counts.add(new Count(PARTITIONS_DROPPED, tags("cluster", cluster, "table", t.table()), t.retired().size()));
        }
      }
      // A run in batch children: the counts of each table's compact summary.
      for (PartitionBatchResult b : p.batches()) {
        for (PartitionBatchResult.TableSummary t : b.tables()) {
          if (t.created() > 0) {
            counts.add(new Count(PARTITIONS_CREATED, tags("cluster", cluster, "table", t.table()), t.created()));
          }
          if (t.retired() > 0) {
            counts.add(new Count(PARTITIONS_DROPPED, tags("cluster", cluster, "table", t.table()), t.retired()));
          }
        }
      }
    }
    if (real && result instanceof TerminateSessionsResult t && !t.terminated().isEmpty()) {
      counts.add(new Count(SESSIONS_TERMINATED, tags("cluster", cluster), t.terminated().size()));
    }
    return new Emission(outcome, counts, gauges, timings);
  }

  /** When the run started waiting for {@code requestId}: the start of its step "approval <requestId>". */
  private static Instant askedAt(RunReport report, String requestId) {
    for (StepRecord step : report.steps()) {
      if (step.name().equals("approval " + requestId)) {
        return step.start();
      }
    }
    return null;
  }

  static Map<String, String> tags(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1] == null ? "" : kv[i + 1]);
    }
    return m;
  }
}
