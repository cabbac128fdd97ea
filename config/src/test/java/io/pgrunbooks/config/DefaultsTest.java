package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultsTest {
  private static RunbooksConfig parse(String extra) {
    return ConfigLoader.parse(ConfigErrorsTest.withNode2("dataDir: /d") + extra, Map.of(), "t");
  }

  @Test
  void zstdDefaultsToLevelOneWhichKeepsUpWithTheCopy() {
    RunbooksConfig c = parse("archive:\n  bucket: b-1\n  compression: zstd\n");

    // Level 3 cost 2.5x the CPU of level 1 for a larger archive on the archive benchmark's CSV (issue 22).
    assertThat(c.archive().compressionLevel()).isEqualTo(1);
  }

  @Test
  void omittedSectionsHaveTheirDefaults() {
    RunbooksConfig c = parse("");

    assertThat(c.temporal()).isEqualTo(new TemporalConfig("127.0.0.1:7233", "default", "http://127.0.0.1:8233", TlsConfig.disabled()));
    assertThat(c.worker()).isEqualTo(new WorkerConfig(9464, Duration.ofSeconds(30)));
    assertThat(c.archive().configured()).isFalse();
    assertThat(c.archive().prefix()).isEqualTo("pg-runbooks");
    assertThat(c.archive().compression()).isEqualTo("gzip");
    assertThat(c.archive().compressionLevel()).isEqualTo(6);
    assertThat(c.approvals().defaultTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(c.approvals().approvers()).isEmpty();
    assertThat(c.notifications().events()).containsExactly("approval-needed", "failed", "completed", "findings");
    assertThat(c.schedules()).isEmpty();
    assertThat(c.api()).isEqualTo(new ApiConfig(8080, 8081, "127.0.0.1", "127.0.0.1", List.of(), null));
    ClusterConfig main = c.cluster("main");
    assertThat(main.credentials().user()).isEqualTo("postgres");
    assertThat(main.pgbouncer()).isNull();
    assertThat(main.databases()).isEmpty();
    assertThat(c.cluster("other")).isNull();
    assertThat(main.node("pg3")).isNull();
  }

  @Test
  void explicitZeroMetricsPortTurnsMetricsOff() {
    assertThat(parse("worker:\n  metricsPort: 0\n").worker().metricsPort()).isZero();
  }

  @Test
  void settingOneHealthThresholdKeepsTheOtherDefaults() {
    HealthConfig h =
        ConfigLoader.parse(
                ConfigErrorsTest.NODES.formatted("        dataDir: /d\n    health:\n      lagUnhealthySeconds: 10"), Map.of(), "t")
            .cluster("main")
            .health();

    assertThat(h).isEqualTo(new HealthConfig(1, 10, 80, 90, 300, 0.95, 0.90, 85, 90));
  }

  @Test
  void slotDefaultsToTheNodeNameAsAnIdentifier() {
    RunbooksConfig c =
        ConfigLoader.parse(ConfigErrorsTest.NODES.replace("name: pg2", "name: PG-East_2").formatted("        dataDir: /d"), Map.of(), "t");

    assertThat(c.cluster("main").node("PG-East_2").slot()).isEqualTo("pg_east_2");
    assertThat(NodeConfig.defaultSlot("Replica-1")).isEqualTo("replica_1");
  }

  @Test
  void isoDurationsAndCompoundDurationsAreAccepted() {
    RunbooksConfig c = parse("worker:\n  agentStartTimeout: PT2M\napprovals:\n  defaultTimeout: 1h30m\n");

    assertThat(c.worker().agentStartTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.approvals().defaultTimeout()).isEqualTo(Duration.ofMinutes(90));
  }
}
