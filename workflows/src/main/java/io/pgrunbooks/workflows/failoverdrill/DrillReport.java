package io.pgrunbooks.workflows.failoverdrill;

import io.pgrunbooks.workflows.activities.FailoverActivities.ProbeError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The RB-4 criteria of a drill, judged on its phases, and the Markdown report. Pure. */
final class DrillReport {
  static final String DOCUMENTED = "result documented";

  private DrillReport() {}

  static List<DrillCriterion> criteria(List<DrillPhase> phases, long recoveryTargetMillis, boolean baseline) {
    List<DrillCriterion> c = new ArrayList<>();
    c.add(new DrillCriterion("no data loss", phases.stream().allMatch(p -> p.missing().isEmpty() && p.rowsExpected() > 0),
        each(phases, p -> (p.rowsExpected() - p.missing().size()) + " of " + p.rowsExpected()
            + " acknowledged sentinel and probe rows on " + p.to() + (p.missing().isEmpty() ? "" : "; missing "
            + p.missing()))));
    c.add(new DrillCriterion("no application errors", phases.stream().allMatch(p -> p.probeErrors() == 0),
        each(phases, p -> p.probeErrors() + " failed of " + p.probeAttempts() + " probe writes through PgBouncer"
            + (p.firstErrors().isEmpty() ? "" : "; first: " + first(p.firstErrors())))));
    long worst = phases.stream().mapToLong(p -> Math.max(p.writeUnavailableMillis(), p.timeToPromoteMillis())).max()
        .orElse(Long.MAX_VALUE);
    c.add(new DrillCriterion("recovered in under " + human(recoveryTargetMillis), worst < recoveryTargetMillis,
        each(phases, p -> "writes unavailable " + p.writeUnavailableMillis() + " ms, promoted after "
            + p.timeToPromoteMillis() + " ms"))); 
    c.add(new DrillCriterion("replication re-established", phases.stream().allMatch(DrillPhase::streaming),
        each(phases, p -> p.from() + " rejoined by " + p.rejoin() + ", " + (p.streaming() ? "streaming" : "NOT streaming")
            + " from " + p.to() + " " + p.replicationMillis() + " ms after the PAUSE")));
    if (baseline) {
      c.add(new DrillCriterion("row counts match the baseline", phases.stream().allMatch(p -> p.countsBefore()
          .equals(p.countsAfter())), each(phases, p -> "before " + p.countsBefore() + ", after " + p.countsAfter())));
    }
    return c;
  }

  static String markdown(FailoverDrillResult r) {
    StringBuilder md = new StringBuilder();
    md.append("# Failover drill ").append(r.drillId()).append(" on cluster ").append(r.cluster()).append("\n\n");
    md.append("Outcome: **").append(r.outcome()).append("**, started ").append(r.startedAt()).append(", total ")
        .append(r.totalMillis()).append(" ms\n\n");
    md.append("| Criterion | Result | Evidence |\n|---|---|---|\n");
    for (DrillCriterion c : r.criteria()) {
      md.append("| ").append(c.name()).append(" | ").append(c.passed() ? "PASS" : "FAIL").append(" | ")
          .append(c.evidence().replace("|", "\\|").replace("\n", "<br>")).append(" |\n");
    }
    md.append("\n| Phase | From → to | Timeline | Time to promote | Writes unavailable | Probe writes (errors) | Rejoin |"
        + " Replication back |\n|---|---|---|---|---|---|---|---|\n");
    for (DrillPhase p : r.phases()) {
      md.append(String.format(Locale.ROOT, "| %s | %s → %s | %d | %d ms | %d ms | %d (%d) | %s | %d ms |%n", p.name(),
          p.from(), p.to(), p.timeline(), p.timeToPromoteMillis(), p.writeUnavailableMillis(), p.probeAttempts(),
          p.probeErrors(), p.rejoin(), p.replicationMillis()));
    }
    if (!r.issues().isEmpty()) {
      md.append("\n## Issues\n\n");
      r.issues().forEach(i -> md.append("- ").append(i).append('\n'));
    }
    return md.toString();
  }

  private static String each(List<DrillPhase> phases, java.util.function.Function<DrillPhase, String> f) {
    List<String> parts = new ArrayList<>();
    for (DrillPhase p : phases) {
      parts.add(p.name() + ": " + f.apply(p));
    }
    return parts.isEmpty() ? "no switchover ran" : String.join("; ", parts);
  }

  private static String first(List<ProbeError> errors) {
    ProbeError e = errors.get(0);
    return e.at() + " " + e.message();
  }

  static String human(long millis) {
    return millis % 60000 == 0 ? millis / 60000 + " minutes" : millis / 1000 + " s";
  }
}
