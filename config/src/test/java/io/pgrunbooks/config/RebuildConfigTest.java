package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebuildConfigTest {
  private static RunbooksConfig parse(String rebuild) {
    return ConfigLoader.parse(ConfigErrorsTest.NODES.formatted("        dataDir: /d" + rebuild), Map.of(), "t");
  }

  @Test
  void omittedRebuildSectionHasTheDefaults() {
    RebuildConfig r = parse("").cluster("main").rebuild();

    assertThat(r).isEqualTo(RebuildConfig.defaults());
    assertThat(r.keepOldDataDir()).isFalse();
    assertThat(r.catchUpLagSeconds()).isEqualTo(1.0);
    assertThat(r.stopTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(r.catchUpTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(r.diskHeadroom()).isEqualTo(1.2);
  }

  @Test
  void settingSomeRebuildValuesKeepsTheOtherDefaults() {
    RebuildConfig r = parse("\n    rebuild:\n      keepOldDataDir: true\n      stopTimeout: 5s\n"
        + "      stopCommand: systemctl stop postgresql@15-main").cluster("main").rebuild();

    assertThat(r.keepOldDataDir()).isTrue();
    assertThat(r.stopTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.stopCommand()).isEqualTo("systemctl stop postgresql@15-main");
    assertThat(r.diskHeadroom()).isEqualTo(1.2);
  }

  @Test
  void headroomBelowOneAndNonPositiveLagAreRefusedWithTheirPaths() {
    assertThatThrownBy(() -> parse("\n    rebuild:\n      diskHeadroom: 0.5\n      catchUpLagSeconds: 0"))
        .hasMessageContaining("clusters.main.rebuild.diskHeadroom")
        .hasMessageContaining("clusters.main.rebuild.catchUpLagSeconds");
  }
}
