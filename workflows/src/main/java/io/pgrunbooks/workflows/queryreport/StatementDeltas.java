package io.pgrunbooks.workflows.queryreport;

import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementDelta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/** pg_stat_statements counters now minus the previous snapshot's, and the top lists; pure, no I/O. */
public final class StatementDeltas {
  private StatementDeltas() {}

  /**
   * One pg_stat_statements row as read now.
   *
   * @param key {@code userid:dbid:queryid:toplevel}, what identifies a row of pg_stat_statements
   */
  public record Counter(String key, String queryId, String user, String query, long calls, double totalMs,
                        long rows) {}

  /** A row of a kept snapshot (no query text: the next run reads that fresh). */
  public record Entry(String key, long calls, double totalMs, long rows) {}

  /**
   * What a run keeps for the next one.
   *
   * @param statsReset pg_stat_statements_info.stats_reset when it was taken
   */
  public record Snapshot(String runId, String takenAt, String statsReset, String node, List<Entry> entries) {}

  /** The part of a reading the next run compares against. */
  public static Snapshot snapshot(String runId, String takenAt, String statsReset, String node, List<Counter> now) {
    return new Snapshot(runId, takenAt, statsReset, node,
        now.stream().map(c -> new Entry(c.key(), c.calls(), c.totalMs(), c.rows())).toList());
  }

  /** True when pg_stat_statements was reset after {@code previous} was taken (or it was read on another node). */
  public static boolean resetSince(Snapshot previous, String statsResetNow, String nodeNow) {
    return previous != null && (!Objects.equals(previous.statsReset(), statsResetNow)
        || !Objects.equals(previous.node(), nodeNow));
  }

  /**
   * Counters over the interval: totals without a usable baseline, else now minus then per statement. A statement
   * whose counters went down was evicted and entered again (pg_stat_statements.max): its totals count. Statements
   * without calls in the interval are left out.
   */
  public static List<StatementDelta> deltas(List<Counter> now, Snapshot previous, boolean useBaseline) {
    Map<String, Entry> then = new HashMap<>();
    if (useBaseline && previous != null) {
      previous.entries().forEach(e -> then.put(e.key(), e));
    }
    List<StatementDelta> out = new ArrayList<>();
    for (Counter c : now) {
      Entry e = then.get(c.key());
      boolean evicted = e != null && (c.calls() < e.calls() || c.totalMs() < e.totalMs());
      long calls = e == null || evicted ? c.calls() : c.calls() - e.calls();
      double total = e == null || evicted ? c.totalMs() : c.totalMs() - e.totalMs();
      long rows = e == null || evicted ? c.rows() : c.rows() - e.rows();
      if (calls > 0) {
        out.add(new StatementDelta(c.queryId(), c.user(), c.query(), calls, round(total), round(total / calls),
            rows));
      }
    }
    return out;
  }

  /** The first {@code n} by a measure, highest first (ties by query id, so reports are stable). */
  public static List<StatementDelta> top(List<StatementDelta> all, ToDoubleFunction<StatementDelta> by, int n) {
    return all.stream()
        .sorted(Comparator.comparingDouble(by).reversed().thenComparing(StatementDelta::queryId))
        .limit(n).toList();
  }

  /** Statements whose plans are read: the first of the total-time list, then of the mean-time list, no repeats. */
  public static List<StatementDelta> worst(List<StatementDelta> byTotal, List<StatementDelta> byMean, int max) {
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    List<StatementDelta> out = new ArrayList<>();
    int fromTotal = Math.max(1, max - max / 3);
    for (StatementDelta d : byTotal.subList(0, Math.min(fromTotal, byTotal.size()))) {
      if (seen.add(d.queryId())) {
        out.add(d);
      }
    }
    for (StatementDelta d : byMean) {
      if (out.size() >= max) {
        break;
      }
      if (seen.add(d.queryId())) {
        out.add(d);
      }
    }
    return out;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
