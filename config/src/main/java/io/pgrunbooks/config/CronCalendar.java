package io.pgrunbooks.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A five-field cron expression (UTC) as the sets of values each field matches. A time matches when
 * every field matches: day-of-month and day-of-week are ANDed, as in Temporal's schedule calendars
 * ({@code 0 3 1-7 * 0} is the first Sunday of each month), not ORed as in classic cron.
 *
 * @param minutes 0-59
 * @param hours 0-23
 * @param daysOfMonth 1-31
 * @param months 1-12
 * @param daysOfWeek 0-6, Sunday = 0
 */
public record CronCalendar(List<Integer> minutes, List<Integer> hours, List<Integer> daysOfMonth,
                           List<Integer> months, List<Integer> daysOfWeek) {
  private static final int DAY = 24 * 60;
  private static final List<String> MONTH_NAMES =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  public CronCalendar {
    minutes = List.copyOf(new TreeSet<>(minutes));
    hours = List.copyOf(new TreeSet<>(hours));
    daysOfMonth = List.copyOf(new TreeSet<>(daysOfMonth));
    months = List.copyOf(new TreeSet<>(months));
    daysOfWeek = List.copyOf(new TreeSet<>(daysOfWeek));
  }

  /** Parses {@code minute hour day-of-month month day-of-week}; throws IllegalArgumentException saying what is wrong. */
  public static CronCalendar parse(String cron) {
    String[] f = cron == null ? new String[0] : cron.trim().split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("\"" + cron + "\" has " + f.length
          + " fields; expected 5 (minute hour day-of-month month day-of-week)");
    }
    List<Integer> dow = field(f[4], "day-of-week", 0, 7, DAY_NAMES).stream().map(d -> d % 7).toList();
    return new CronCalendar(field(f[0], "minute", 0, 59, List.of()), field(f[1], "hour", 0, 23, List.of()),
        field(f[2], "day-of-month", 1, 31, List.of()), field(f[3], "month", 1, 12, MONTH_NAMES), dow);
  }

  public boolean everyDayOfMonth() {
    return daysOfMonth.size() == 31;
  }

  public boolean everyMonth() {
    return months.size() == 12;
  }

  public boolean everyDayOfWeek() {
    return daysOfWeek.size() == 7;
  }

  /**
   * The same occurrences moved {@code early} earlier (whole minutes). Throws IllegalArgumentException
   * when no calendar matches exactly the moved times: times of day that would move to different
   * days, or a move to the previous day from the 1st (the previous month's last day) or from days
   * that some months lack (29-31).
   */
  public CronCalendar earlier(Duration early) {
    if (early.isNegative() || early.isZero() || early.toSecondsPart() != 0 || early.toNanosPart() != 0) {
      throw new IllegalArgumentException("must be a positive whole number of minutes, got " + early);
    }
    long shift = early.toMinutes();
    TreeSet<Integer> movedTimes = new TreeSet<>();
    TreeSet<Long> dayShifts = new TreeSet<>();
    for (int h : hours) {
      for (int m : minutes) {
        long t = h * 60L + m - shift;
        dayShifts.add(t >= 0 ? 0 : (-t + DAY - 1) / DAY);
        movedTimes.add((int) Math.floorMod(t, (long) DAY));
      }
    }
    String what = "starting " + Durations.format(early) + " early";
    if (dayShifts.size() > 1) {
      throw new IllegalArgumentException(what + " moves some times of day (" + times() + ") to the previous day and "
          + "others not, which one calendar cannot express; use at most " + Durations.format(Duration.ofMinutes(
          hours.get(0) * 60L + minutes.get(0))));
    }
    List<Integer> newHours = movedTimes.stream().map(t -> t / 60).distinct().toList();
    List<Integer> newMinutes = movedTimes.stream().map(t -> t % 60).distinct().toList();
    if (newHours.size() * newMinutes.size() != movedTimes.size()) {
      throw new IllegalArgumentException(what + " turns the times " + times() + " into times that are not every "
          + "listed minute of every listed hour; use a whole number of hours");
    }
    int days = (int) (long) dayShifts.first();
    if (days == 0) {
      return new CronCalendar(newMinutes, newHours, daysOfMonth, months, daysOfWeek);
    }
    return new CronCalendar(newMinutes, newHours, movedDaysOfMonth(days, what, early),
        months, daysOfWeek.stream().map(d -> Math.floorMod(d - days, 7)).toList());
  }

  private List<Integer> movedDaysOfMonth(int days, String what, Duration early) {
    if (everyDayOfMonth() && everyMonth()) {
      return daysOfMonth;
    }
    String onDays = "on day-of-month " + ranges(daysOfMonth) + (everyMonth() ? "" : " of months " + ranges(months));
    String atMost = "; use a startEarly of at most "
        + Durations.format(Duration.ofMinutes(hours.get(0) * 60L + minutes.get(0)));
    if (daysOfMonth.get(0) - days < 1) {
      throw new IllegalArgumentException(what + " moves " + times() + " " + onDays + " into the previous month, "
          + "whose last day a calendar cannot name" + atMost);
    }
    if (daysOfMonth.get(daysOfMonth.size() - 1) > 28) {
      throw new IllegalArgumentException(what + " moves " + times() + " " + onDays + " to the previous day, which "
          + "would also run in months that lack day " + daysOfMonth.get(daysOfMonth.size() - 1) + atMost);
    }
    return daysOfMonth.stream().map(d -> d - days).toList();
  }

  /**
   * A lower bound of the time between two consecutive runs: the smallest gap between the listed times of
   * one day, or from the day's last time to the next day's first (runs on days further apart are only
   * further apart).
   */
  public Duration shortestGap() {
    List<Integer> times = new ArrayList<>();
    for (int h : hours) {
      for (int m : minutes) {
        times.add(h * 60 + m);
      }
    }
    java.util.Collections.sort(times);
    int gap = DAY - times.get(times.size() - 1) + times.get(0);
    for (int i = 1; i < times.size(); i++) {
      gap = Math.min(gap, times.get(i) - times.get(i - 1));
    }
    return Duration.ofMinutes(gap);
  }

  /** "03:00" or "03:00, 03:30, ..." for messages. */
  public String times() {
    List<String> out = new ArrayList<>();
    for (int h : hours) {
      for (int m : minutes) {
        out.add(String.format(Locale.ROOT, "%02d:%02d", h, m));
      }
    }
    return out.size() <= 4 ? String.join(", ", out) : String.join(", ", out.subList(0, 3)) + ", ...";
  }

  /** The calendar back as a cron expression with numeric, compressed fields ("0 0 1-7 * 0"). */
  public String toCron() {
    return String.join(" ", ranges(minutes, 60), ranges(hours, 24), ranges(daysOfMonth, 31), ranges(months, 12),
        ranges(daysOfWeek, 7));
  }

  private static String ranges(List<Integer> values, int all) {
    return values.size() == all ? "*" : ranges(values);
  }

  /** "1-7", "1,15", "0-5,30". */
  public static String ranges(List<Integer> sorted) {
    return runs(sorted).stream().map(r -> r[0] == r[1] ? String.valueOf(r[0]) : r[0] + "-" + r[1])
        .collect(Collectors.joining(","));
  }

  /** Sorted values as runs of consecutive values, each {@code {first, last}}: [0,1,2,5] is {0,2}, {5,5}. */
  public static List<int[]> runs(List<Integer> sorted) {
    List<int[]> runs = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
        j++;
      }
      runs.add(new int[] {sorted.get(i), sorted.get(j)});
      i = j + 1;
    }
    return runs;
  }

  private static List<Integer> field(String text, String name, int min, int max, List<String> names) {
    TreeSet<Integer> values = new TreeSet<>();
    for (String item : text.split(",", -1)) {
      String range = item;
      int step = 1;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        step = number(item.substring(slash + 1), name, item, 1, max - min + 1, List.of(), 0);
        range = item.substring(0, slash);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.indexOf('-') > 0) {
        from = number(range.substring(0, range.indexOf('-')), name, item, min, max, names, min);
        to = number(range.substring(range.indexOf('-') + 1), name, item, min, max, names, min);
        if (to < from) {
          throw new IllegalArgumentException(name + " range \"" + item + "\" ends before it starts");
        }
      } else {
        from = number(range, name, item, min, max, names, min);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        values.add(v);
      }
    }
    return List.copyOf(values);
  }

  private static int number(String s, String name, String item, int min, int max, List<String> names, int base) {
    int named = names.indexOf(s.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return named + base;
    }
    try {
      int v = Integer.parseInt(s);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below with the field's range
    }
    throw new IllegalArgumentException(name + " \"" + item + "\" is not valid; expected " + min + "-" + max
        + (names.isEmpty() ? "" : " or " + names.stream().collect(Collectors.joining("/"))) + ", *, a-b, a/n or lists");
  }
}
