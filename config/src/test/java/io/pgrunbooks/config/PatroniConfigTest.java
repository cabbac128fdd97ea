package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatroniConfigTest {
  private static final String PATRONI_CLUSTER =
      """
      clusters:
        main:
          topology: patroni
          nodes:
            - name: pg1
              host: db1
              dataDir: /data/pg1
            - name: pg2
              host: db2
              dataDir: /data/pg2
      %s
      """;

  private static RunbooksConfig parse(String section) {
    return ConfigLoader.parse(PATRONI_CLUSTER.formatted(section), Map.of(), "t");
  }

  @Test
  void aClusterWithoutTopologyIsDirectAndHasNoPatroniSection() {
    ClusterConfig c = ConfigLoader.parse(ConfigErrorsTest.NODES.formatted("        dataDir: /d"), Map.of(), "t")
        .cluster("main");
    assertThat(c.topology()).isEqualTo("direct");
    assertThat(c.onPatroni()).isFalse();
    assertThat(c.patroni()).isNull();
  }

  @Test
  void aPatroniClusterNamesTheRestApiOfEveryNodeAndItsCredentials() {
    ClusterConfig c = parse("""
            patroni:
              restApi:
                pg1: http://db1:8008/
                pg2: https://db2:8008
              credentials:
                user: patroni
                passwordEnv: PATRONI_PASSWORD
              tls:
                caFile: patroni-ca.pem
              requestTimeout: 3s
        """).cluster("main");

    assertThat(c.onPatroni()).isTrue();
    assertThat(c.patroni().url("pg1")).isEqualTo("http://db1:8008");
    assertThat(c.patroni().url("pg2")).isEqualTo("https://db2:8008");
    assertThat(c.patroni().url("pg3")).isNull();
    assertThat(c.patroni().credentials().user()).isEqualTo("patroni");
    assertThat(c.patroni().credentials().resolvePassword(Map.of("PATRONI_PASSWORD", "s3cret"))).isEqualTo("s3cret");
    // Relative to the config file's directory, like every other local file.
    assertThat(c.patroni().tls().caFile()).endsWith("/patroni-ca.pem").startsWith("/");
    assertThat(c.patroni().requestTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void theRequestTimeoutDefaultsAndNoCredentialsMeansAnOpenRestApi() {
    PatroniConfig p = parse("""
            patroni:
              restApi: {pg1: "http://db1:8008", pg2: "http://db2:8008"}
        """).cluster("main").patroni();
    assertThat(p.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.credentials()).isNull();
    assertThat(p.tls()).isNull();
  }

  @Test
  void everyMistakeOfThePatroniSectionIsReportedAtOnce() {
    assertThat(ConfigErrorsTest.errors(PATRONI_CLUSTER.formatted("""
            patroni:
              restApi:
                pg1: db1:8008
                pg9: http://db9:8008
              credentials:
                user: patroni
              tls: {}
              requestTimeout: 0s
        """))).containsExactlyInAnyOrder(
        "clusters.main.patroni.restApi.pg2: is required: every node of a Patroni cluster needs the URL of its Patroni"
            + " REST API (for example http://db2:8008)",
        "clusters.main.patroni.restApi.pg1: \"db1:8008\" is not an http(s) URL",
        "clusters.main.patroni.restApi.pg9: unknown node pg9 (known: pg1, pg2)",
        "clusters.main.patroni.credentials: set passwordEnv or passwordFile (the password of Patroni's"
            + " restapi.authentication), or remove credentials when the REST API has no authentication",
        "clusters.main.patroni.tls.caFile: is required",
        "clusters.main.patroni.requestTimeout: must be positive, got 0s");
  }

  @Test
  void patroniTopologyWithoutTheSectionIsRefused() {
    assertThat(ConfigErrorsTest.errors(PATRONI_CLUSTER.formatted(""))).containsExactly(
        "clusters.main.patroni: is required with topology: patroni (restApi: the REST API URL of every node)");
  }

  @Test
  void anUnknownTopologyAndAPatroniSectionOnADirectClusterAreRefused() {
    assertThat(ConfigErrorsTest.errors(PATRONI_CLUSTER.replace("topology: patroni", "topology: kubernetes")
        .formatted(""))).containsExactly(
        "clusters.main.topology: unknown topology \"kubernetes\" (known: direct, patroni)");
    assertThat(ConfigErrorsTest.errors(PATRONI_CLUSTER.replace("topology: patroni", "topology: direct").formatted("""
            patroni:
              restApi: {pg1: "http://db1:8008", pg2: "http://db2:8008"}
        """))).containsExactly(
        "clusters.main.patroni: is set but topology is direct; set topology: patroni to use it, or remove the section");
  }

  @Test
  void anInlinePasswordIsRefusedAndAMissingPasswordFileIsASecretProblem() {
    assertThat(ConfigErrorsTest.errors(PATRONI_CLUSTER.formatted("""
            patroni:
              restApi: {pg1: "http://db1:8008", pg2: "http://db2:8008"}
              credentials: {user: patroni, password: x}
        """))).anySatisfy(e -> assertThat(e).startsWith("clusters.main.patroni.credentials.password: inline secrets"));
    RunbooksConfig config = parse("""
            patroni:
              restApi: {pg1: "http://db1:8008", pg2: "http://db2:8008"}
              credentials: {user: patroni, passwordFile: /nonexistent/patroni-password}
        """);
    assertThat(ConfigLoader.secretProblems(config, Map.of()))
        .anySatisfy(e -> assertThat(e).startsWith("clusters.main.patroni.credentials").contains("/nonexistent/patroni-password"));
  }
}
