package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailoverConfigTest {
  private static RunbooksConfig parse(String failover) {
    return ConfigLoader.parse(ConfigErrorsTest.NODES.formatted("        dataDir: /d" + failover), Map.of(), "t");
  }

  @Test
  void omittedFailoverSectionHasTheDefaults() {
    FailoverConfig f = parse("").cluster("main").failover();

    assertThat(f).isEqualTo(FailoverConfig.defaults());
    assertThat(f.promoteTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(f.drill().window()).isEqualTo(Duration.ZERO);
    assertThat(f.drill().probeInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(f.drill().recoveryTarget()).isEqualTo(Duration.ofMinutes(5));
    assertThat(f.drill().probeTable()).isEqualTo("public.runbooks_drill_writes");
  }

  @Test
  void drillSettingsBindAndKeepTheOtherDefaults() {
    FailoverConfig f = parse("\n    failover:\n      fenceCommand: ssh {node} sudo poweroff\n      drill:\n"
        + "        window: 6h\n        requireVerifiedBackup: true\n        baselineTables: [public.orders]")
        .cluster("main").failover();

    assertThat(f.fenceCommand()).isEqualTo("ssh {node} sudo poweroff");
    assertThat(f.drill().window()).isEqualTo(Duration.ofHours(6));
    assertThat(f.drill().requireVerifiedBackup()).isTrue();
    assertThat(f.drill().baselineTables()).isEqualTo(List.of("public.orders"));
    assertThat(f.drill().sentinelRows()).isEqualTo(20);
  }

  @Test
  void badDrillValuesAreRefusedWithTheirPaths() {
    assertThatThrownBy(() -> parse("\n    failover:\n      promoteTimeout: 0s\n      drill:\n        sentinelRows: 0\n"
        + "        baselineTables: [orders]\n        probeTable: \"x; drop\""))
        .hasMessageContaining("clusters.main.failover.promoteTimeout")
        .hasMessageContaining("clusters.main.failover.drill.sentinelRows")
        .hasMessageContaining("clusters.main.failover.drill.baselineTables[0]")
        .hasMessageContaining("clusters.main.failover.drill.probeTable");
  }

  @Test
  void drillWindowFurtherThanSevenDaysIsRefused() {
    assertThat(ConfigErrorsTest.errors(ConfigErrorsTest.NODES.formatted("        dataDir: /d\n    failover:\n"
        + "      drill:\n        window: 30d")))
        .containsExactly("clusters.main.failover.drill.window: must be at most 7d (the furthest a drill waits for its"
            + " window), got 30d");
    assertThat(parse("\n    failover:\n      drill:\n        window: 7d").cluster("main").failover().drill().window())
        .isEqualTo(Duration.ofDays(7));
  }
}
