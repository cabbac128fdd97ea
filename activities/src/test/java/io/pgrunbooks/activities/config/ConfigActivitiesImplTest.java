package io.pgrunbooks.activities.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigActivitiesImplTest {
  private static final String YAML = """
      worker:
        agentStartTimeout: 45s
      clusters:
        main:
          nodes:
            - {name: pg1, host: db1.internal, port: 5432, dataDir: /var/lib/postgresql/15/main}
            - {name: pg-2, host: db2.internal, port: 5433, dataDir: /var/lib/postgresql/15/main, slot: replica_two}
          credentials: {user: runbooks, passwordEnv: MAIN_PG_PASSWORD}
          health: {lagDegradedSeconds: 2, longQuerySeconds: 60}
        reporting:
          nodes:
            - {name: rep1, host: rep1.internal, dataDir: /srv/pg}
      """;

  private final RunbooksConfig config =
      ConfigLoader.parse(YAML, Map.of("MAIN_PG_PASSWORD", "s3cret-value"), "test");
  private final ConfigActivitiesImpl activities = new ConfigActivitiesImpl(config);

  @Test
  void clusterIsDescribedWithNodesSlotsThresholdsAndAgentTimeout() {
    ClusterSpec spec = activities.describeCluster(new DescribeClusterInput("main"));

    assertThat(spec.name()).isEqualTo("main");
    assertThat(spec.nodes()).containsExactly(
        new NodeSpec("pg1", "db1.internal", 5432, "pg1"),
        new NodeSpec("pg-2", "db2.internal", 5433, "replica_two"));
    HealthThresholds d = HealthThresholds.defaults();
    assertThat(spec.health()).isEqualTo(new HealthThresholds(2, d.lagUnhealthySeconds(), d.connectionsDegradedPercent(),
        d.connectionsUnhealthyPercent(), 60, d.cacheHitDegraded(), d.cacheHitUnhealthy(), d.diskDegradedPercent(),
        d.diskUnhealthyPercent()));
    assertThat(spec.agentStartTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void defaultThresholdsMatchTheWorkflowDefaults() {
    ClusterSpec spec = activities.describeCluster(new DescribeClusterInput("reporting"));

    assertThat(spec.health()).isEqualTo(HealthThresholds.defaults());
    assertThat(spec.nodes()).extracting(NodeSpec::port).containsExactly(5432);
  }

  @Test
  void describedClusterCarriesNoCredentials() throws Exception {
    ClusterSpec spec = activities.describeCluster(new DescribeClusterInput("main"));

    String json = DataConverters.objectMapper().writeValueAsString(spec);
    assertThat(json).doesNotContain("s3cret-value", "MAIN_PG_PASSWORD", "runbooks\"", "password");
  }

  @Test
  void unknownClusterIsNonRetryableBadInputNamingTheKnownClusters() {
    assertThatThrownBy(() -> activities.describeCluster(new DescribeClusterInput("mian")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).isEqualTo("unknown cluster 'mian'; configured clusters: main, reporting");
        });
  }

  @Test
  void missingClusterNameIsBadInput() {
    assertThatThrownBy(() -> activities.describeCluster(new DescribeClusterInput(" ")))
        .isInstanceOfSatisfying(ApplicationFailure.class,
            e -> assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT));
  }
}
