package io.pgrunbooks.workflows.queryreport;

import io.pgrunbooks.workflows.activities.QueryReportActivities.Candidate;
import io.pgrunbooks.workflows.activities.QueryReportActivities.IndexHealth;
import io.pgrunbooks.workflows.activities.QueryReportActivities.IndexNote;
import io.pgrunbooks.workflows.activities.QueryReportActivities.SeqScan;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementDelta;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementPlan;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementsReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** QueryReport's input checks, limits and the readable summary; pure, no I/O. */
public final class QueryReportRules {
  public static final int DEFAULT_TOP = 20;
  public static final int MAX_TOP = 100;
  /** At most this many statements are planned (EXPLAIN plus a few hypothetical indexes each). */
  public static final int MAX_PLANNED = 10;
  /** A sequential scan of a table at least this large (main fork) is reported and gets index candidates. */
  public static final long LARGE_TABLE_BYTES = 8L * 1024 * 1024;
  private static final Pattern PLANNABLE = Pattern.compile("^\\s*(select|with|insert|update|delete|values|table)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

  private QueryReportRules() {}

  /** Why the input is refused, or null. */
  public static String inputProblem(QueryReportInput in) {
    if (in == null || blank(in.cluster()) || blank(in.database())) {
      return "QueryReport needs cluster and database, e.g. {\"cluster\": \"main\", \"database\": \"app\"}";
    }
    for (String[] f : new String[][] {{"cluster", in.cluster()}, {"database", in.database()}, {"node", in.node()}}) {
      if (f[1] != null && !NAME.matcher(f[1].strip()).matches()) {
        return f[0] + " must be a plain name, got '" + f[1] + "'";
      }
    }
    if (in.top() != null && (in.top() < 1 || in.top() > MAX_TOP)) {
      return "top must be between 1 and " + MAX_TOP + ", got " + in.top();
    }
    return null;
  }

  /** True for statements EXPLAIN can plan (DML and queries); utility statements (DDL, VACUUM, SET) are not. */
  public static boolean plannable(String query) {
    return query != null && PLANNABLE.matcher(query).find();
  }

  /** The best candidate of a plan (largest cost reduction), or null. */
  public static Candidate best(StatementPlan p) {
    Candidate best = null;
    for (Candidate c : p.candidates()) {
      if (c.costAfter() < c.costBefore() && (best == null || c.costAfter() < best.costAfter())) {
        best = c;
      }
    }
    return best;
  }

  /** Findings people should act on (INVALID and duplicate indexes), one line each; empty when none. */
  public static List<String> findings(IndexHealth h) {
    List<String> out = new ArrayList<>();
    h.invalid().forEach(n -> out.add("INVALID index " + n.name() + " on " + n.table() + ": " + n.detail()));
    h.duplicates().forEach(n -> out.add("duplicate index " + n.name() + " on " + n.table() + ": " + n.detail()));
    return out;
  }

  /** The readable summary: interval, top statements, plans with candidates, index findings. */
  public static String text(String target, StatementsReport s, List<StatementPlan> plans, IndexHealth h) {
    StringBuilder b = new StringBuilder("QueryReport of ").append(target).append(" on ").append(s.node())
        .append(": ").append(s.baseline()).append('\n');
    b.append("Top by total time:\n");
    for (StatementDelta d : s.byTotalTime()) {
      b.append(String.format(Locale.ROOT, "  %10.1f ms %8d calls %9.3f ms/call %9d rows  %s%n", d.totalMs(),
          d.calls(), d.meanMs(), d.rows(), oneLine(d.query())));
    }
    if (s.byTotalTime().isEmpty()) {
      b.append("  (no statement ran in the interval)\n");
    }
    for (StatementPlan p : plans) {
      if (p.seqScans().isEmpty() && p.candidates().isEmpty() && p.problem() == null) {
        continue;
      }
      b.append("Statement ").append(p.queryId()).append(": ").append(oneLine(p.query())).append('\n');
      if (p.problem() != null) {
        b.append("  not planned: ").append(p.problem()).append('\n');
      }
      for (SeqScan scan : p.seqScans()) {
        b.append("  seq scan of ").append(scan.table()).append(" (").append(scan.bytes()).append(" bytes)")
            .append(scan.filter() == null ? "" : " filter " + scan.filter()).append('\n');
      }
      Candidate best = best(p);
      if (best != null) {
        b.append(String.format(Locale.ROOT, "  what-if: %s (~%d bytes): cost %.2f -> %.2f (%.0f%% less)%n",
            best.definition(), best.bytes(), best.costBefore(), best.costAfter(),
            100 * (1 - best.costAfter() / best.costBefore())));
      }
    }
    section(b, "Unused indexes (idx_scan = 0 on every node)", h.unused());
    section(b, "Duplicate indexes", h.duplicates());
    section(b, "INVALID indexes", h.invalid());
    section(b, "Bloated indexes (estimate)", h.bloatedIndexes());
    section(b, "Bloated tables (estimate)", h.bloatedTables());
    s.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
    h.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
    return b.toString().stripTrailing();
  }

  /** One line for the run report. */
  public static String summary(StatementsReport s, List<StatementPlan> plans, IndexHealth h) {
    long withGain = plans.stream().filter(p -> best(p) != null).count();
    return s.byTotalTime().size() + " statement(s) " + (s.firstRun() ? "(first report: totals)" : s.statsReset()
        ? "(statistics reset: totals since " + s.since() + ")" : "(since " + s.since() + ")") + "; " + withGain
        + " with a what-if index; " + h.unused().size() + " unused, " + h.duplicates().size() + " duplicate, "
        + h.invalid().size() + " INVALID index(es); " + h.bloatedIndexes().size() + " bloated index(es), "
        + h.bloatedTables().size() + " bloated table(s)";
  }

  private static void section(StringBuilder b, String title, List<IndexNote> notes) {
    if (notes.isEmpty()) {
      return;
    }
    b.append(title).append(":\n");
    for (IndexNote n : notes) {
      b.append("  ").append(n.name()).append(n.table() == null || n.table().equals(n.name()) ? "" : " on "
          + n.table()).append(" (").append(n.bytes()).append(" bytes): ").append(n.detail()).append('\n');
    }
  }

  static String oneLine(String query) {
    String q = query == null ? "" : query.replaceAll("\\s+", " ").strip();
    return q.length() > 160 ? q.substring(0, 157) + "..." : q;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
