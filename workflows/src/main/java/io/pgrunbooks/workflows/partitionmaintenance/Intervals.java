package io.pgrunbooks.workflows.partitionmaintenance;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/** Day, ISO-week (Monday) and month intervals in UTC, and the partition name of each. Pure. */
public final class Intervals {
  private Intervals() {}

  /** Start (UTC midnight) of the interval holding {@code at}. */
  public static LocalDate floor(String interval, Instant at) {
    LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
    return switch (interval) {
      case "day" -> day;
      case "week" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      default -> day.withDayOfMonth(1);
    };
  }

  public static LocalDate next(String interval, LocalDate start) {
    return plus(interval, start, 1);
  }

  public static LocalDate plus(String interval, LocalDate start, long n) {
    return switch (interval) {
      case "day" -> start.plusDays(n);
      case "week" -> start.plusWeeks(n);
      default -> start.plusMonths(n);
    };
  }

  /** True when {@code d} is the start of an interval. */
  public static boolean aligned(String interval, LocalDate d) {
    return floor(interval, instant(d)).equals(d);
  }

  public static Instant instant(LocalDate d) {
    return d.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  public static String iso(LocalDate d) {
    return instant(d).toString();
  }

  /** The name of the interval starting at {@code start}; weeks use the ISO week-based year. */
  public static String name(String naming, String parentName, String interval, LocalDate start) {
    int year = "week".equals(interval) ? start.get(IsoFields.WEEK_BASED_YEAR) : start.getYear();
    return naming.replace("{parent}", parentName)
        .replace("{yyyy}", String.format("%04d", year))
        .replace("{mm}", String.format("%02d", start.getMonthValue()))
        .replace("{dd}", String.format("%02d", start.getDayOfMonth()))
        .replace("{ww}", String.format("%02d", start.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
  }
}
