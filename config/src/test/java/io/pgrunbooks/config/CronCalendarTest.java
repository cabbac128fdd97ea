package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cron expressions as Temporal calendars, and moving them earlier for {@code startEarly}. */
class CronCalendarTest {
  @Test
  void fieldsAcceptRangesStepsListsAndNames() {
    CronCalendar c = CronCalendar.parse("*/15 1-3,22 1,15 JAN-mar sun,7,6");

    assertThat(c.minutes()).containsExactly(0, 15, 30, 45);
    assertThat(c.hours()).containsExactly(1, 2, 3, 22);
    assertThat(c.daysOfMonth()).containsExactly(1, 15);
    assertThat(c.months()).containsExactly(1, 2, 3);
    assertThat(c.daysOfWeek()).containsExactly(0, 6);
    assertThat(c.toCron()).isEqualTo("0,15,30,45 1-3,22 1,15 1-3 0,6");
    assertThat(CronCalendar.parse("5/20 0 * * *").minutes()).containsExactly(5, 25, 45);
  }

  @Test
  void firstSundayKeepsBothDayFieldsBecauseTheyAreAnded() {
    CronCalendar drill = CronCalendar.parse("0 3 1-7 * 0");

    assertThat(drill.daysOfMonth()).containsExactly(1, 2, 3, 4, 5, 6, 7);
    assertThat(drill.daysOfWeek()).containsExactly(0);
    assertThat(drill.earlier(Duration.ofHours(3)).toCron()).isEqualTo("0 0 1-7 * 0");
    assertThat(drill.earlier(Duration.ofMinutes(90)).toCron()).isEqualTo("30 1 1-7 * 0");
  }

  @Test
  void movingToThePreviousDayShiftsWeekdaysAndDaysOfMonthTogether() {
    assertThat(CronCalendar.parse("0 3 8-14 * 0").earlier(Duration.ofHours(6)).toCron()).isEqualTo("0 21 7-13 * 6");
    assertThat(CronCalendar.parse("0 1 * * *").earlier(Duration.ofHours(2)).toCron()).isEqualTo("0 23 * * *");
    assertThat(CronCalendar.parse("0 1 * * 1-5").earlier(Duration.ofHours(2)).toCron()).isEqualTo("0 23 * * 0-4");
    assertThat(CronCalendar.parse("0 1 * * 0").earlier(Duration.ofDays(2)).toCron()).isEqualTo("0 1 * * 5");
  }

  @Test
  void movesNoCalendarCanExpressAreRefusedWithTheLargestThatWorks() {
    CronCalendar drill = CronCalendar.parse("0 3 1-7 * 0");
    assertThatThrownBy(() -> drill.earlier(Duration.ofHours(6)))
        .hasMessage("starting 6h early moves 03:00 on day-of-month 1-7 into the previous month, whose last day a "
            + "calendar cannot name; use a startEarly of at most 3h");
    assertThatThrownBy(() -> CronCalendar.parse("0 1 * 6 *").earlier(Duration.ofHours(2)))
        .hasMessageContaining("into the previous month");
    assertThatThrownBy(() -> CronCalendar.parse("0 1 30 * *").earlier(Duration.ofHours(2)))
        .hasMessageContaining("months that lack day 30");
    assertThatThrownBy(() -> CronCalendar.parse("0 1,12 * * 1").earlier(Duration.ofHours(2)))
        .hasMessageContaining("to the previous day and others not").hasMessageContaining("at most 1h");
    assertThatThrownBy(() -> CronCalendar.parse("0,45 4 * * *").earlier(Duration.ofMinutes(30)))
        .hasMessageContaining("not every listed minute of every listed hour");
    assertThatThrownBy(() -> CronCalendar.parse("0 4 * * *").earlier(Duration.ofSeconds(30)))
        .hasMessageContaining("whole number of minutes");
  }

  @Test
  void badFieldsAreNamed() {
    assertThatThrownBy(() -> CronCalendar.parse("0 3 * *")).hasMessageContaining("has 4 fields; expected 5");
    assertThatThrownBy(() -> CronCalendar.parse("0 3 32 * *")).hasMessage(
        "day-of-month \"32\" is not valid; expected 1-31, *, a-b, a/n or lists");
    assertThatThrownBy(() -> CronCalendar.parse("0 3 * FOO *")).hasMessageContaining("JAN/FEB");
    assertThatThrownBy(() -> CronCalendar.parse("0 5-3 * * *")).hasMessageContaining("ends before it starts");
    assertThat(CronCalendar.ranges(List.of(0, 1, 2, 5))).isEqualTo("0-2,5");
  }
}
