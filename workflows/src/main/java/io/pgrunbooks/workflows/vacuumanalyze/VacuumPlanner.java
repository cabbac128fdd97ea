package io.pgrunbooks.workflows.vacuumanalyze;

import io.pgrunbooks.workflows.activities.VacuumActivities.ReplicaLag;
import io.pgrunbooks.workflows.activities.VacuumActivities.TableStats;
import io.pgrunbooks.workflows.activities.VacuumActivities.VacuumFacts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** VacuumAnalyze's decisions without I/O: input checks, which tables, in which order, with which statement. */
public final class VacuumPlanner {
  public static final double DEFAULT_MIN_DEAD_RATIO = 0.1;
  public static final int DEFAULT_MAX_LAG_SECONDS = 30;
  public static final double DEFAULT_FREEZE_AGE_FRACTION = 0.8;
  /** Below autovacuum's own base threshold a ratio means nothing (a 10-row table with 2 dead rows). */
  public static final long MIN_DEAD_TUPLES = 50;
  /** A table with dead tuples not vacuumed (or with changes not analyzed) for this long is due. */
  public static final Duration STALE_AFTER = Duration.ofDays(7);
  private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}\\.[A-Za-z_][A-Za-z0-9_$]{0,62}");
  private static final int MAX_TABLES = 1000;

  /** What runs on a table: {@code VACUUM (FREEZE, ANALYZE)}, {@code VACUUM (ANALYZE)} or {@code ANALYZE}. */
  public enum Action { FREEZE, VACUUM, ANALYZE }

  /**
   * One table of the plan.
   *
   * @param urgent {@code age(relfrozenxid)} is at or above the urgent fraction of {@code autovacuum_freeze_max_age}
   * @param why the thresholds it crossed (or "named in tables")
   */
  public record PlannedTable(String table, Action action, boolean urgent, long xidAge, long deadTuples, String why) {}

  private VacuumPlanner() {}

  /** Why the input is refused, or null. */
  public static String inputProblem(VacuumAnalyzeInput in) {
    if (blank(in.cluster()) || blank(in.database())) {
      return "cluster and database are required";
    }
    if (in.tables() != null) {
      if (in.tables().size() > MAX_TABLES) {
        return "at most " + MAX_TABLES + " tables per run, got " + in.tables().size();
      }
      Set<String> seen = new HashSet<>();
      for (String t : in.tables()) {
        if (t == null || !QUALIFIED.matcher(t.strip()).matches()) {
          return "each table must be schema.name made of letters, digits and _ (e.g. public.orders), got '" + t + "'";
        }
        if (!seen.add(t.strip())) {
          return "table " + t.strip() + " is named twice";
        }
      }
    }
    double ratio = in.minDeadTupleRatioOrDefault();
    if (!(ratio >= 0 && ratio <= 1)) {
      return "minDeadTupleRatio must be between 0 and 1, got " + in.minDeadTupleRatio();
    }
    if (in.maxReplicaLagSecondsOrDefault() < 0) {
      return "maxReplicaLagSeconds must be 0 or more, got " + in.maxReplicaLagSeconds();
    }
    double fraction = in.freezeAgeFractionOrDefault();
    if (!(fraction > 0 && fraction <= 1)) {
      return "freezeAgeFraction must be above 0 and at most 1, got " + in.freezeAgeFraction();
    }
    try {
      Duration w = window(in.window());
      if (w != null && (w.isNegative() || w.isZero())) {
        return "window must be positive, got '" + in.window() + "'";
      }
    } catch (RuntimeException e) {
      return "window must be a duration such as 30m, 2h or PT2H, got '" + in.window() + "'";
    }
    return null;
  }

  /** {@code 30s}, {@code 30m}, {@code 2h}, {@code 1d} or ISO-8601; null for none. */
  public static Duration window(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    }
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("not a duration: " + text);
    };
  }

  /**
   * The tables to process: near-wraparound ones first (oldest {@code age(relfrozenxid)} first), then by dead tuples
   * (most first). Named tables are all processed; otherwise a table is chosen by its dead-tuple ratio, by dead tuples
   * left unvacuumed for {@link #STALE_AFTER}, or (ANALYZE only) by changes left unanalyzed that long.
   */
  public static List<PlannedTable> plan(VacuumFacts facts, VacuumAnalyzeInput in) {
    boolean named = !in.tablesOrEmpty().isEmpty();
    long urgentAge = (long) (facts.freezeMaxAge() * in.freezeAgeFractionOrDefault());
    List<PlannedTable> out = new ArrayList<>();
    for (TableStats t : facts.tables()) {
      List<String> why = new ArrayList<>();
      boolean urgent = t.xidAge() >= urgentAge;
      if (urgent) {
        why.add(String.format("age(relfrozenxid) %d >= %s x autovacuum_freeze_max_age %d: wraparound risk",
            t.xidAge(), fraction(in.freezeAgeFractionOrDefault()), facts.freezeMaxAge()));
      }
      long rows = t.liveTuples() + t.deadTuples();
      double ratio = rows == 0 ? 0 : (double) t.deadTuples() / rows;
      if (t.deadTuples() >= MIN_DEAD_TUPLES && ratio >= in.minDeadTupleRatioOrDefault()) {
        why.add(String.format("%d%% dead (%d of %d)", Math.round(ratio * 100), t.deadTuples(), rows));
      }
      if (t.deadTuples() >= MIN_DEAD_TUPLES && stale(t.lastVacuumMillis(), facts.nowMillis())) {
        why.add(t.deadTuples() + " dead, " + since("vacuum", t.lastVacuumMillis(), facts.nowMillis()));
      }
      boolean vacuum = !why.isEmpty();
      if (!vacuum && t.modsSinceAnalyze() >= MIN_DEAD_TUPLES && stale(t.lastAnalyzeMillis(), facts.nowMillis())) {
        why.add(t.modsSinceAnalyze() + " rows changed, " + since("analyze", t.lastAnalyzeMillis(), facts.nowMillis()));
      }
      if (named && why.isEmpty()) {
        why.add("named in tables");
        vacuum = true;
      }
      if (why.isEmpty()) {
        continue;
      }
      Action action = !vacuum ? Action.ANALYZE : urgent || in.freezeAll() ? Action.FREEZE : Action.VACUUM;
      out.add(new PlannedTable(t.table(), action, urgent, t.xidAge(), t.deadTuples(), String.join("; ", why)));
    }
    out.sort(Comparator.comparing((PlannedTable p) -> !p.urgent())
        .thenComparing(p -> p.urgent() ? -p.xidAge() : -p.deadTuples())
        .thenComparing(PlannedTable::table));
    return List.copyOf(out);
  }

  /** The statement as the report shows it (the activity quotes the catalog's names). */
  public static String statement(PlannedTable p) {
    return switch (p.action()) {
      case FREEZE -> "VACUUM (FREEZE, ANALYZE) " + p.table();
      case VACUUM -> "VACUUM (ANALYZE) " + p.table();
      case ANALYZE -> "ANALYZE " + p.table();
    };
  }

  /** Which replicas replay later than allowed, or null when every readable one is within {@code maxSeconds}. */
  public static String lagProblem(List<ReplicaLag> lags, int maxSeconds) {
    List<String> over = new ArrayList<>();
    for (ReplicaLag l : lags) {
      if (l.problem() == null && l.seconds() > maxSeconds) {
        over.add(String.format("%s replays %.0f s behind", l.node(), l.seconds()));
      }
    }
    return over.isEmpty() ? null : String.join(", ", over) + " (max " + maxSeconds + " s)";
  }

  private static boolean stale(long lastMillis, long nowMillis) {
    return lastMillis < 0 || nowMillis - lastMillis >= STALE_AFTER.toMillis();
  }

  private static String since(String what, long lastMillis, long nowMillis) {
    return lastMillis < 0 ? "never " + (what.equals("vacuum") ? "vacuumed" : "analyzed")
        : "last " + what + " " + Duration.ofMillis(nowMillis - lastMillis).toDays() + " days ago";
  }

  private static String fraction(double f) {
    return String.format(Locale.ROOT, "%.2f", f).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
