package io.pgrunbooks.ops.cli;

import io.pgrunbooks.config.CronCalendar;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A {@link CronCalendar} as a Temporal structured calendar (fields ANDed, so "first Sunday" is
 * exact), and back: what a described schedule's spec means, for comparing it with the config.
 */
final class ScheduleCalendars {
  private ScheduleCalendars() {}

  /** One structured calendar at second 0, in UTC, every year; each run up to {@code jitter} later (0: on time). */
  static ScheduleSpec spec(CronCalendar c, java.time.Duration jitter) {
    return ScheduleSpec.newBuilder()
        .setJitter(jitter)
        .setCalendars(List.of(ScheduleCalendarSpec.newBuilder()
            .setSeconds(List.of(new ScheduleRange(0)))
            .setMinutes(ranges(c.minutes()))
            .setHour(ranges(c.hours()))
            .setDayOfMonth(ranges(c.daysOfMonth()))
            .setMonth(ranges(c.months()))
            .setDayOfWeek(ranges(c.daysOfWeek()))
            .build()))
        .setTimeZoneName("UTC")
        .build();
  }

  /**
   * The calendar a described spec is, or null when it is something this tool never writes (cron
   * strings, intervals, several calendars, skips, seconds, years, bounds, another time zone). The jitter is
   * not part of the calendar: {@link #jitter} reads it.
   */
  static CronCalendar of(ScheduleSpec spec) {
    if (spec == null || spec.getCalendars() == null || spec.getCalendars().size() != 1
        || !empty(spec.getIntervals()) || !empty(spec.getCronExpressions()) || !empty(spec.getSkip())
        || spec.getStartAt() != null || spec.getEndAt() != null
        || !List.of("", "UTC").contains(spec.getTimeZoneName() == null ? "" : spec.getTimeZoneName())) {
      return null;
    }
    ScheduleCalendarSpec c = spec.getCalendars().get(0);
    if (!values(c.getSeconds(), 0, 59, List.of(0)).equals(List.of(0)) || !empty(c.getYear())) {
      return null;
    }
    return new CronCalendar(values(c.getMinutes(), 0, 59, List.of(0)), values(c.getHour(), 0, 23, List.of(0)),
        values(c.getDayOfMonth(), 1, 31, null), values(c.getMonth(), 1, 12, null), values(c.getDayOfWeek(), 0, 6, null));
  }

  /** The spec's jitter, zero when it has none. */
  static java.time.Duration jitter(ScheduleSpec spec) {
    return spec == null || spec.getJitter() == null ? java.time.Duration.ZERO : spec.getJitter();
  }

  /** "cron 0 0 1-7 * 0 UTC" or what else the spec holds, for people. */
  static String describe(ScheduleSpec spec) {
    CronCalendar c = of(spec);
    if (c != null) {
      return c.toCron();
    }
    if (spec == null) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    if (!empty(spec.getCronExpressions())) {
      parts.add("cron " + String.join(" | ", spec.getCronExpressions()));
    }
    if (!empty(spec.getIntervals())) {
      parts.add(spec.getIntervals().size() + " interval(s)");
    }
    if (!empty(spec.getCalendars())) {
      parts.add(spec.getCalendars().size() + " calendar(s)");
    }
    return parts.isEmpty() ? "(no spec)" : String.join(", ", parts);
  }

  private static List<ScheduleRange> ranges(List<Integer> sorted) {
    return CronCalendar.runs(sorted).stream().map(r -> new ScheduleRange(r[0], r[1])).toList();
  }

  /** The values ranges match; an empty list matches {@code emptyMeans}, or every value when that is null. */
  private static List<Integer> values(List<ScheduleRange> ranges, int min, int max, List<Integer> emptyMeans) {
    if (empty(ranges)) {
      if (emptyMeans != null) {
        return emptyMeans;
      }
      List<Integer> all = new ArrayList<>();
      for (int v = min; v <= max; v++) {
        all.add(v);
      }
      return all;
    }
    TreeSet<Integer> out = new TreeSet<>();
    for (ScheduleRange r : ranges) {
      // Temporal's Range: end below start means "start only", step 0 means 1.
      int end = Math.max(r.getEnd(), r.getStart());
      int step = Math.max(r.getStep(), 1);
      for (int v = r.getStart(); v <= end; v += step) {
        out.add(max == 6 ? v % 7 : v);
      }
    }
    return List.copyOf(out);
  }

  private static boolean empty(List<?> list) {
    return list == null || list.isEmpty();
  }
}
