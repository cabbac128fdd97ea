package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void retentionParsesEachUnit() {
    assertThat(RetentionSpec.parse("90d")).isEqualTo(new RetentionSpec(90, ChronoUnit.DAYS));
    assertThat(RetentionSpec.parse("6w")).isEqualTo(new RetentionSpec(6, ChronoUnit.WEEKS));
    assertThat(RetentionSpec.parse("24mo")).isEqualTo(new RetentionSpec(24, ChronoUnit.MONTHS));
    assertThat(RetentionSpec.parse("2y")).isEqualTo(new RetentionSpec(2, ChronoUnit.YEARS));
    assertThat(RetentionSpec.parse("24mo")).hasToString("24mo");
  }

  @Test
  void retentionRefusesZeroAndUnknownUnits() {
    assertThatThrownBy(() -> RetentionSpec.parse("0d")).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> RetentionSpec.parse("10 days")).hasMessageContaining("e.g. 90d, 6w, 24mo, 2y");
  }

  @Test
  void retentionIsBelowAFloorWhenItExpiresEarlier() {
    assertThat(RetentionSpec.parse("30d").isBelow(RetentionSpec.parse("1mo"))).isTrue();
    assertThat(RetentionSpec.parse("31d").isBelow(RetentionSpec.parse("1mo"))).isFalse();
    assertThat(RetentionSpec.parse("12mo").isBelow(RetentionSpec.parse("1y"))).isFalse();
    assertThat(RetentionSpec.parse("11mo").isBelow(RetentionSpec.parse("1y"))).isTrue();
    assertThat(RetentionSpec.parse("52w").isBelow(RetentionSpec.parse("12mo"))).isTrue();
    assertThat(RetentionSpec.parse("2y").isBelow(RetentionSpec.parse("24mo"))).isFalse();
  }

  @Test
  void retentionCutoffIsCalendarBased() {
    assertThat(RetentionSpec.parse("3mo").cutoff(LocalDate.of(2026, 5, 31))).isEqualTo(LocalDate.of(2026, 2, 28));
  }

  @Test
  void durationsParseConfigAndIsoForms() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("PT24H")).isEqualTo(Duration.ofHours(24));
    assertThatThrownBy(() -> Durations.parse("5 minutes")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
  }
}
