package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** HealthCheck's morning-page thresholds: flat in the health section, defaults, every bad value named with its path. */
class HealthDetailConfigTest {
  private static String health(String lines) {
    return ConfigErrorsTest.NODES.formatted("        dataDir: /d\n    health:\n" + lines);
  }

  @Test
  void settingOneMorningPageThresholdKeepsTheOtherDefaultsAndTheBasicOnes() {
    HealthConfig h = ConfigLoader.parse(health("      poolWaitingUnhealthy: 50\n      bloatTopN: 0\n"), Map.of(), "t")
        .cluster("main").health();

    HealthDetailConfig d = HealthDetailConfig.defaults();
    assertThat(h.detail()).isEqualTo(new HealthDetailConfig(d.idleInTransactionDegradedSeconds(),
        d.idleInTransactionUnhealthySeconds(), d.blockingDegradedSeconds(), d.blockingUnhealthySeconds(),
        d.transactionAgeDegradedSeconds(), d.transactionAgeUnhealthySeconds(), d.xidAgeDegraded(), d.xidAgeUnhealthy(),
        d.slotRetainedDegradedMb(), d.slotRetainedUnhealthyMb(), d.walDegradedPercent(), d.walUnhealthyPercent(),
        d.archiveFailingSeconds(), d.poolWaitingDegraded(), 50, d.poolMaxwaitDegradedSeconds(),
        d.poolMaxwaitUnhealthySeconds(), 0));
    assertThat(h.lagUnhealthySeconds()).isEqualTo(5);
    assertThat(HealthConfig.defaults().detail()).isEqualTo(d);
  }

  @Test
  void nonsenseThresholdsAreRefusedEachWithItsPath() {
    assertThat(ConfigErrorsTest.errors(health("""
              idleInTransactionDegradedSeconds: 0
              blockingDegradedSeconds: 60
              blockingUnhealthySeconds: 30
              xidAgeUnhealthy: 3000000000
              walUnhealthyPercent: 120
              archiveFailingSeconds: -1
              poolWaitingDegraded: 5
              poolWaitingUnhealthy: 2
              bloatTopN: 99
        """))).containsExactlyInAnyOrder(
        "clusters.main.health.idleInTransactionDegradedSeconds: must be positive, got 0",
        "clusters.main.health.blockingUnhealthySeconds: must be at least blockingDegradedSeconds (60), got 30",
        "clusters.main.health.xidAgeUnhealthy: must be below 2147483648 (2^31, where wraparound stops writes),"
            + " got 3000000000",
        "clusters.main.health.walUnhealthyPercent: must be at most 100, got 120",
        "clusters.main.health.archiveFailingSeconds: must be positive, got -1",
        "clusters.main.health.poolWaitingUnhealthy: must be at least poolWaitingDegraded (5), got 2",
        "clusters.main.health.bloatTopN: must be between 0 (off) and 50, got 99");
  }
}
