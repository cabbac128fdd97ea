package io.pgrunbooks.config;

import static io.pgrunbooks.config.ConfigErrorsTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code schedules[].jitter}: its default, 0 for off, and the values refused at load. */
class ScheduleJitterConfigTest {
  private static String schedule(String cron, String extra) {
    return ConfigErrorsTest.withNode2("dataDir: /d") + """
        schedules:
          - id: backup-main-app
            workflowType: Backup
            cron: "%s"
            input: {cluster: main, database: app}
        %s""".formatted(cron, extra.isEmpty() ? "" : "    " + extra + "\n");
  }

  private static ScheduleConfig parse(String cron, String extra) {
    return ConfigLoader.parse(schedule(cron, extra), Map.of(), "t").schedules().get(0);
  }

  @Test
  void aScheduleWithoutJitterGetsTenMinutesAndZeroTurnsItOff() {
    assertThat(parse("0 1 * * *", "").jitter()).isEqualTo(Duration.ofMinutes(10)).isEqualTo(ScheduleConfig.DEFAULT_JITTER);
    assertThat(parse("0 1 * * *", "jitter: 0s").jitter()).isZero();
    assertThat(parse("0 1 * * *", "jitter: 2h").jitter()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void aJitterAsLongAsTheGapBetweenRunsIsRefused() {
    assertThat(errors(schedule("*/15 * * * *", "jitter: 15m"))).containsExactly(
        "schedules[0].jitter: 15m is not shorter than the 15m between two runs of \"*/15 * * * *\"; a run could "
            + "start after the next one is due");
    // 00:10, 00:30, 23:10, 23:30: 00:10 and 00:30 are the closest, 20 minutes apart.
    assertThat(errors(schedule("10,30 0,23 * * *", "jitter: 40m"))).singleElement().asString()
        .contains("40m is not shorter than the 20m between two runs");
    assertThat(parse("0 1 * * *", "jitter: 23h59m").jitter()).isEqualTo(Duration.ofMinutes(23 * 60 + 59));
    assertThat(errors(schedule("0 1 * * *", "jitter: 1d"))).singleElement().asString()
        .contains("1d is not shorter than the 1d between two runs");
  }

  @Test
  void negativeAndSubSecondJittersAreRefused() {
    assertThat(errors(schedule("0 1 * * *", "jitter: PT-5M")))
        .containsExactly("schedules[0].jitter: must be 0 (off) or positive, got PT-5M");
    assertThat(errors(schedule("0 1 * * *", "jitter: 1500ms")))
        .containsExactly("schedules[0].jitter: must be whole seconds, got 1s500ms");
  }
}
