package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.IntervalRows;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.NewPartition;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, from catalog facts and workflow time only, what to create, what is wrong with coverage
 * and what has expired. Pure and deterministic. Bounds, never names, decide coverage and expiry.
 */
public final class PartitionPlanner {
  private PartitionPlanner() {}

  /** Cutoff of a period before {@code now} (calendar arithmetic in UTC), or null for a null period. */
  public static Instant before(Instant now, String isoPeriod) {
    return isoPeriod == null ? null
        : now.atZone(ZoneOffset.UTC).minus(Period.parse(isoPeriod)).toInstant();
  }

  /**
   * The retention cutoff at {@code now} (null when kept forever), checked against the compliance floor.
   *
   * @throws IllegalArgumentException when the retention is below the compliance floor
   */
  public static Instant checkFloor(PartitionPolicy policy, Instant now) {
    Instant retentionCutoff = before(now, policy.retention());
    Instant floorCutoff = before(now, policy.minRetention());
    if (retentionCutoff != null && floorCutoff != null && retentionCutoff.isAfter(floorCutoff)) {
      throw new IllegalArgumentException(policy.table() + ": retention " + policy.retention()
          + " is below the compliance floor minRetention " + policy.minRetention());
    }
    return retentionCutoff;
  }

  /**
   * @throws IllegalArgumentException when the retention is below the compliance floor
   */
  public static TablePlan plan(PartitionPolicy policy, TableFacts facts, Instant now, int premake) {
    String interval = policy.interval();
    Instant retentionCutoff = checkFloor(policy, now);
    Instant floorCutoff = before(now, policy.minRetention());
    LocalDate current = Intervals.floor(interval, now);
    LocalDate end = Intervals.plus(interval, current, premake + 1L);
    List<Span> spans = facts.partitions().stream().map(Span::of)
        .sorted(Comparator.comparing(s -> s.from == null ? Instant.MIN : s.from)).toList();
    Map<String, Long> defaultRows = new HashMap<>();
    for (IntervalRows r : facts.defaultRows()) {
      defaultRows.put(r.from(), r.rows());
    }

    List<String> gaps = new ArrayList<>();
    List<String> overlaps = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> defaults = new ArrayList<>();
    List<NewPartition> create = new ArrayList<>();
    String parentName = policy.table().substring(policy.table().indexOf('.') + 1);

    LocalDate from = fillFrom(interval, spans, retentionCutoff, current);
    for (LocalDate d = from; d.isBefore(end); d = Intervals.next(interval, d)) {
      Instant lo = Intervals.instant(d);
      Instant hi = Intervals.instant(Intervals.next(interval, d));
      String range = "[" + lo + ", " + hi + ")";
      if (spans.stream().anyMatch(s -> lo.equals(s.from) && hi.equals(s.to))) {
        continue;
      }
      List<Span> over = spans.stream().filter(s -> s.overlaps(lo, hi)).toList();
      String name = Intervals.name(policy.naming(), parentName, interval, d);
      long inDefault = defaultRows.getOrDefault(lo.toString(), 0L);
      if (!over.isEmpty()) {
        String who = String.join(", ", over.stream().map(s -> s.facts.name() + " " + s.facts.bound()).toList());
        overlaps.add(range + " overlaps " + who);
        skipped.add(name + ": " + range + " overlaps existing " + who + "; not created");
        continue;
      }
      gaps.add(range + (d.isBefore(current) ? " (missing in the middle)" : "") + " not covered");
      if (spans.stream().anyMatch(s -> s.simpleName().equals(name))) {
        skipped.add(name + ": the name is taken by a partition with other bounds; not created");
      } else if (inDefault > 0) {
        skipped.add(name + ": default partition " + facts.defaultPartition() + " holds " + inDefault + " rows in "
            + range + "; not created, so those rows are neither lost nor moved (move them out of the default first)");
      } else {
        create.add(new NewPartition(name, lo.toString(), hi.toString()));
      }
    }
    for (IntervalRows r : facts.defaultRows()) {
      defaults.add(r.rows() + " rows in the default partition " + facts.defaultPartition() + " for the "
          + interval + " starting " + r.from());
    }
    for (Span s : spans) {
      String expected = s.expectedName(policy, parentName);
      if (expected == null) {
        unexpected.add(s.facts.name() + " has bounds " + s.facts.bound() + " that are not one " + interval);
      } else if (!expected.equals(s.simpleName())) {
        unexpected.add(s.facts.name() + " should be named " + expected + " for " + s.facts.bound());
      }
    }

    Instant cutoff = null;
    List<PartitionFacts> expired = new ArrayList<>();
    if (retentionCutoff != null) {
      cutoff = min(min(retentionCutoff, floorCutoff), Intervals.instant(current));
      for (Span s : spans) {
        if (s.to != null && !s.to.isAfter(cutoff)) {
          expired.add(s.facts);
        }
      }
    }
    return new TablePlan(policy, facts.keyType(), create, skipped, new Coverage(gaps, overlaps, unexpected, defaults),
        expired, cutoff == null ? null : cutoff.toString());
  }

  /** Holes are filled from the oldest retained interval, but never before the oldest partition that exists. */
  private static LocalDate fillFrom(String interval, List<Span> spans, Instant retentionCutoff, LocalDate current) {
    LocalDate from = current;
    for (Span s : spans) {
      if (s.from != null) {
        LocalDate f = Intervals.floor(interval, s.from);
        from = Intervals.aligned(interval, f) && Intervals.instant(f).equals(s.from) ? f : Intervals.next(interval, f);
        break;
      }
    }
    if (retentionCutoff != null) {
      LocalDate retained = Intervals.floor(interval, retentionCutoff);
      if (retained.isAfter(from)) {
        from = retained;
      }
    }
    return from.isAfter(current) ? current : from;
  }

  private static Instant min(Instant a, Instant b) {
    return b == null || a.isBefore(b) ? a : b;
  }

  private record Span(PartitionFacts facts, Instant from, Instant to) {
    static Span of(PartitionFacts f) {
      return new Span(f, f.from() == null ? null : Instant.parse(f.from()), f.to() == null ? null : Instant.parse(f.to()));
    }

    boolean overlaps(Instant lo, Instant hi) {
      return (from == null || from.isBefore(hi)) && (to == null || to.isAfter(lo));
    }

    String simpleName() {
      return facts.name().substring(facts.name().indexOf('.') + 1);
    }

    /** The policy's name for these bounds, or null when they are not exactly one interval. */
    String expectedName(PartitionPolicy policy, String parentName) {
      if (from == null || to == null) {
        return null;
      }
      LocalDate start = from.atZone(ZoneOffset.UTC).toLocalDate();
      if (!Intervals.instant(start).equals(from) || !Intervals.aligned(policy.interval(), start)
          || !Intervals.instant(Intervals.next(policy.interval(), start)).equals(to)) {
        return null;
      }
      return Intervals.name(policy.naming(), parentName, policy.interval(), start);
    }
  }
}
