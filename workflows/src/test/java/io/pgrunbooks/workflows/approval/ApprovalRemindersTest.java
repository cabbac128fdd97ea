package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalRemindersTest {
  private static final Instant ASKED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant DEADLINE = ASKED.plus(Duration.ofHours(10));

  @Test
  void fractionsBecomeSortedDistinctTimesAndNonsenseIsIgnored() {
    assertThat(ApprovalReminders.times(ASKED, DEADLINE, Arrays.asList(0.9, 0.5, 0.5, null, 0.0, 1.0, -2.0)))
        .containsExactly(ASKED.plus(Duration.ofHours(5)), ASKED.plus(Duration.ofHours(9)));
  }

  @Test
  void noFractionsOrNoTimeMeansNoReminders() {
    assertThat(ApprovalReminders.times(ASKED, DEADLINE, null)).isEmpty();
    assertThat(ApprovalReminders.times(ASKED, ASKED, List.of(0.5))).isEmpty();
  }

  @Test
  void percentSaysHowFarIntoTheTimeAReminderIs() {
    assertThat(ApprovalReminders.percent(ASKED, DEADLINE, ASKED.plus(Duration.ofHours(9)))).isEqualTo("90%");
    assertThat(ApprovalText.words(Duration.ofMinutes(144))).isEqualTo("2h 24m");
    assertThat(ApprovalText.words(Duration.ofHours(12))).isEqualTo("12h");
  }
}
