package io.pgrunbooks.config;

import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A retention such as {@code 90d}, {@code 6w}, {@code 24mo} or {@code 2y}.
 *
 * @param amount positive count of units
 * @param unit {@link ChronoUnit#DAYS}, {@link ChronoUnit#WEEKS}, {@link ChronoUnit#MONTHS} or {@link ChronoUnit#YEARS}
 */
public record RetentionSpec(int amount, ChronoUnit unit) implements Comparable<RetentionSpec> {
  private static final Pattern FORM = Pattern.compile("(\\d{1,6})\\s*(d|w|mo|y)");

  public RetentionSpec {
    if (amount <= 0) {
      throw new IllegalArgumentException("retention must be positive, got " + amount);
    }
    if (unit != ChronoUnit.DAYS && unit != ChronoUnit.WEEKS && unit != ChronoUnit.MONTHS && unit != ChronoUnit.YEARS) {
      throw new IllegalArgumentException("retention unit must be days, weeks, months or years, got " + unit);
    }
  }

  /**
   * Parses {@code <n>d}, {@code <n>w}, {@code <n>mo} or {@code <n>y}.
   *
   * @throws IllegalArgumentException saying what is accepted
   */
  public static RetentionSpec parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (m == null || !m.matches()) {
      String hint = text != null && text.trim().matches("\\d+\\s*m") ? " (use mo for months)" : "";
      throw new IllegalArgumentException(
          "cannot parse \"" + text + "\": expected a number followed by d, w, mo or y, e.g. 90d, 6w, 24mo, 2y" + hint);
    }
    int amount = Integer.parseInt(m.group(1));
    if (amount == 0) {
      throw new IllegalArgumentException("\"" + text + "\" must be positive");
    }
    ChronoUnit unit =
        switch (m.group(2)) {
          case "d" -> ChronoUnit.DAYS;
          case "w" -> ChronoUnit.WEEKS;
          case "mo" -> ChronoUnit.MONTHS;
          default -> ChronoUnit.YEARS;
        };
    return new RetentionSpec(amount, unit);
  }

  /** Length in days, approximating a month as 30.44 and a year as 365.25 days. */
  public double approximateDays() {
    return switch (unit) {
      case DAYS -> amount;
      case WEEKS -> amount * 7.0;
      case MONTHS -> amount * 30.44;
      default -> amount * 365.25;
    };
  }

  /** True when data kept for this retention would expire earlier than the floor allows. */
  public boolean isBelow(RetentionSpec floor) {
    return compareTo(floor) < 0;
  }

  /** Exact within days/weeks and within months/years (so 2y equals 24mo); by approximate days across them. */
  @Override
  public int compareTo(RetentionSpec other) {
    if (calendarMonths() >= 0 && other.calendarMonths() >= 0) {
      return Long.compare(calendarMonths(), other.calendarMonths());
    }
    return Double.compare(approximateDays(), other.approximateDays());
  }

  private long calendarMonths() {
    return switch (unit) {
      case MONTHS -> amount;
      case YEARS -> amount * 12L;
      default -> -1;
    };
  }

  /** The same span as a calendar period. */
  public Period toPeriod() {
    return switch (unit) {
      case DAYS -> Period.ofDays(amount);
      case WEEKS -> Period.ofWeeks(amount);
      case MONTHS -> Period.ofMonths(amount);
      default -> Period.ofYears(amount);
    };
  }

  /** The oldest date still retained on {@code today}: data wholly before it has expired. */
  public LocalDate cutoff(LocalDate today) {
    return today.minus(toPeriod());
  }

  /** The config form, e.g. {@code 24mo}. */
  @Override
  public String toString() {
    String suffix =
        switch (unit) {
          case DAYS -> "d";
          case WEEKS -> "w";
          case MONTHS -> "mo";
          default -> "y";
        };
    return amount + suffix;
  }
}
