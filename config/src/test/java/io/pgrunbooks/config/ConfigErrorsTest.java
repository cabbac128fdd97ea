package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of mistake in a config file, and the line the operator gets for it. */
class ConfigErrorsTest {

  static final String NODES =
      """
      clusters:
        main:
          nodes:
            - name: pg1
              host: 127.0.0.1
              dataDir: /data/pg1
            - name: pg2
              host: 127.0.0.2
      %s
      """;

  /** Two-node cluster whose second node gets the extra lines (indented under it). */
  static String withNode2(String lines) {
    String indented = lines.lines().map(l -> "        " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    return NODES.formatted(indented);
  }

  static List<String> errors(String yaml) {
    return errors(yaml, Map.of());
  }

  static List<String> errors(String yaml, Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, env, "test.yml"));
    assertThat(e).as("config should be refused").isNotNull();
    return e.errors();
  }

  @Test
  void portOutOfRangeIsRefusedWithItsPath() {
    assertThat(errors(withNode2("dataDir: /d\nport: 70000")))
        .containsExactly("clusters.main.nodes[1].port: must be 1-65535, got 70000");
  }

  @Test
  void blankApiBindHostsAreRefusedWithTheirPaths() {
    assertThat(errors(withNode2("dataDir: /d") + "api:\n  bindHost: ''\n  adminBindHost: ' '\n"))
        .containsExactly(
            "api.bindHost: must be an address or host name (default 127.0.0.1; 0.0.0.0 listens on every interface)",
            "api.adminBindHost: must be an address or host name (default 127.0.0.1)");
  }

  @Test
  void missingRequiredFieldsAreEachNamed() {
    String yaml =
        """
        clusters:
          main:
            nodes:
              - name: pg1
              - host: 127.0.0.2
                dataDir: /d
          empty: {}
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "clusters.main.nodes[0].host: is required",
            "clusters.main.nodes[0].dataDir: is required",
            "clusters.main.nodes[1].name: is required",
            "clusters.empty.nodes: at least one node is required");
  }

  @Test
  void configWithoutClustersIsRefused() {
    assertThat(errors("temporal:\n  namespace: prod\n")).containsExactly("clusters: at least one cluster is required");
    assertThat(errors("")).containsExactly("clusters: at least one cluster is required");
  }

  @Test
  void unknownFieldIsRefusedWithItsPathAndTheKnownFields() {
    assertThat(errors(withNode2("dataDir: /d\nprot: 5433")))
        .containsExactly(
            "clusters.main.nodes[1].prot: unknown field (known: name, host, port, dataDir, runAs, binDir, slot, agentMetricsPort)");
  }

  @Test
  void wrongTypeSaysWhatWasExpectedAndWhatWasFound() {
    assertThat(errors(withNode2("dataDir: /d\nport: abc")))
        .containsExactly("clusters.main.nodes[1].port: expected a number, got \"abc\"");
    assertThat(errors(withNode2("dataDir: [a, b]")))
        .containsExactly("clusters.main.nodes[1].dataDir: expected a string, got a list");
  }

  @Test
  void unsetEnvironmentVariableIsReportedWithItsPath() {
    String yaml = NODES.replace("host: 127.0.0.2", "host: ${PG_HOST}").formatted("        dataDir: /d");
    assertThat(errors(yaml)).containsExactly("clusters.main.nodes[1].host: environment variable PG_HOST is not set");
  }

  @Test
  void defaultSubstitutionStillBindsNumbersAndBooleans() {
    String yaml =
        withNode2("dataDir: ${DATA:-/var/lib/pg}/${NODE}/$${literal}\nport: ${PG_PORT:-5432}")
            + "archive:\n  bucket: b-1\n  forcePathStyle: ${PATH_STYLE:-true}\n";
    RunbooksConfig c = ConfigLoader.parse(yaml, Map.of("NODE", "pg2"), "test.yml");

    NodeConfig pg2 = c.cluster("main").node("pg2");
    assertThat(pg2.port()).isEqualTo(5432);
    assertThat(pg2.dataDir()).isEqualTo("/var/lib/pg/pg2/${literal}");
    assertThat(c.archive().forcePathStyle()).isTrue();

    RunbooksConfig overridden = ConfigLoader.parse(yaml, Map.of("NODE", "x", "PG_PORT", "6543", "PATH_STYLE", "false"), "t");
    assertThat(overridden.cluster("main").node("pg2").port()).isEqualTo(6543);
    assertThat(overridden.archive().forcePathStyle()).isFalse();
  }

  @Test
  void substitutedValueOfTheWrongTypeIsReportedLikeAnyOther() {
    assertThat(errors(withNode2("dataDir: /d\nport: ${PG_PORT:-5432}"), Map.of("PG_PORT", "fivefour")))
        .containsExactly("clusters.main.nodes[1].port: expected a number, got \"fivefour\"");
  }

  @Test
  void inlinePasswordIsRefusedWithHowToPassIt() {
    String yaml =
        NODES.formatted(
            """
                    dataDir: /d
                credentials:
                  user: app
                  password: hunter2
            archive:
              bucket: b-1
              secretKey: abc
            """);
    List<String> errors = errors(yaml);
    assertThat(errors)
        .containsExactly(
            "clusters.main.credentials.password: inline secrets are not accepted; set passwordEnv: <ENV_VAR_NAME> or passwordFile: <path> instead",
            "archive.secretKey: inline secrets are not accepted; set secretKeyEnv: <ENV_VAR_NAME> or secretKeyFile: <path> instead");
    assertThat(String.join("\n", errors)).doesNotContain("hunter2", "abc");
  }

  @Test
  void inlinePasswordIsRefusedEvenAsAVariableReference() {
    assertThat(errors(withNode2("dataDir: /d\npassword: ${PG_PASSWORD}"), Map.of("PG_PASSWORD", "x")))
        .containsExactly(
            "clusters.main.nodes[1].password: inline secrets are not accepted; set passwordEnv: <ENV_VAR_NAME> or passwordFile: <path> instead");
  }

  @Test
  void retentionBelowTheComplianceFloorIsRefusedNamingBoth() {
    assertThat(errors(withPolicy("table: public.events\nretention: 30d\nminRetention: 72mo")))
        .containsExactly(
            "clusters.main.databases.app.partitions[0].retention: 30d is below the compliance floor minRetention 72mo");
  }

  @Test
  void unparseableRetentionIsRefused() {
    assertThat(errors(withPolicy("table: public.events\nretention: 3m")))
        .containsExactly(
            "clusters.main.databases.app.partitions[0].retention: cannot parse \"3m\": expected a number followed by d, w, mo or y, e.g. 90d, 6w, 24mo, 2y (use mo for months)");
  }

  @Test
  void namingWithoutTheTokensOfItsIntervalIsRefused() {
    assertThat(errors(withPolicy("table: public.events\nnaming: \"{parent}_{yyyy}\"\nretention: 90d")))
        .containsExactly(
            "clusters.main.databases.app.partitions[0].naming: \"{parent}_{yyyy}\" lacks {mm}: monthly partition names need {parent}, {yyyy}, {mm}");
    assertThat(errors(withPolicy("table: public.events\ninterval: week\nnaming: \"{parent}_{yyyy}_{mm}\"")))
        .containsExactly(
            "clusters.main.databases.app.partitions[0].naming: \"{parent}_{yyyy}_{mm}\" lacks {ww}: weekly partition names need {parent}, {yyyy}, {ww}");
    assertThat(errors(withPolicy("table: public.events\nnaming: \"{parent}_{yy}_{mm}\"")))
        .containsExactly(
            "clusters.main.databases.app.partitions[0].naming: unknown token {yy} in \"{parent}_{yy}_{mm}\" (known: {parent}, {yyyy}, {mm}, {dd}, {ww})");
  }

  @Test
  void defaultNamingFollowsTheInterval() {
    RunbooksConfig c = ConfigLoader.parse(withPolicy("table: public.events\ninterval: day"), Map.of(), "t");
    assertThat(c.cluster("main").database("app").policy("public.events").naming()).isEqualTo("{parent}_{yyyy}_{mm}_{dd}");
  }

  @Test
  void unknownIntervalIsRefused() {
    assertThat(errors(withPolicy("table: public.events\ninterval: year")))
        .containsExactly("clusters.main.databases.app.partitions[0].interval: \"year\" must be day, week or month");
  }

  @Test
  void tableThatIsNotSchemaDotNameOrConfiguredTwiceIsRefused() {
    assertThat(errors(withPolicy("table: events; drop table x\n- table: public.e\n- table: public.e")))
        .containsExactly(
            "clusters.main.databases.app.partitions[0].table: \"events; drop table x\" must be schema.name of plain lower-case identifiers, e.g. public.events",
            "clusters.main.databases.app.partitions[2].table: public.e is configured twice (also partitions[1])");
  }

  @Test
  void premakeOutOfRangeIsRefused() {
    assertThat(errors(withPolicy("table: public.events\npremake: 0")))
        .containsExactly("clusters.main.databases.app.partitions[0].premake: must be 1-120, got 0");
  }

  @Test
  void duplicateNodeNamesAreRefused() {
    assertThat(errors(NODES.replace("name: pg2", "name: pg1").formatted("        dataDir: /d")))
        .containsExactly("clusters.main.nodes[1].name: duplicate node name pg1 (also nodes[0])");
  }

  @Test
  void nodeNameThatCannotNameATaskQueueIsRefused() {
    assertThat(errors(NODES.replace("name: pg2", "name: pg 2").formatted("        dataDir: /d")))
        .containsExactly(
            "clusters.main.nodes[1].name: \"pg 2\" may only use A-Z a-z 0-9 _ - (it names the node agent's task queue)");
  }

  @Test
  void unknownScheduleWorkflowTypeIsRefused() {
    String yaml =
        withNode2("dataDir: /d")
            + """
            schedules:
              - id: vacuum
                workflowType: Vacuum
                cron: "0 3 * * *"
                input: {cluster: main}
            """;
    // The known list is the registry's (runbooks.txt), which grows with every runbook.
    assertThat(errors(yaml))
        .containsExactly("schedules[0].workflowType: unknown workflow type \"Vacuum\" (known: "
            + String.join(", ", RunbookKinds.fromClassPath().names()) + ")");
  }

  @Test
  void scheduleWithFourCronFieldsOrAnUnknownClusterIsRefused() {
    String yaml =
        withNode2("dataDir: /d")
            + """
            schedules:
              - id: health
                workflowType: HealthCheck
                cron: "0 3 * *"
                input: {cluster: other}
            """;
    assertThat(errors(yaml))
        .containsExactly(
            "schedules[0].cron: \"0 3 * *\" has 4 fields; expected 5 (minute hour day-of-month month day-of-week)",
            "schedules[0].input.cluster: unknown cluster other (known: main)");
  }

  @Test
  void startEarlyThatCrossesIntoThePreviousMonthOrABadCronFieldIsRefused() {
    String yaml =
        withNode2("dataDir: /d")
            + """
            schedules:
              - id: drill
                workflowType: FailoverDrill
                cron: "0 3 1-7 * 0"
                input: {cluster: main}
                startEarly: 6h
              - id: health
                workflowType: HealthCheck
                cron: "0 25 * * *"
                input: {cluster: main}
            """;
    assertThat(errors(yaml))
        .containsExactly(
            "schedules[0].startEarly: starting 6h early moves 03:00 on day-of-month 1-7 into the previous month, "
                + "whose last day a calendar cannot name; use a startEarly of at most 3h",
            "schedules[1].cron: \"0 25 * * *\": hour \"25\" is not valid; expected 0-23, *, a-b, a/n or lists");
  }

  @Test
  void badDurationIsRefused() {
    assertThat(errors(withNode2("dataDir: /d") + "worker:\n  agentStartTimeout: 30 sec\n"))
        .containsExactly(
            "worker.agentStartTimeout: expected a duration such as 500ms, 30s, 15m, 24h, 2d or PT24H, got \"30 sec\"");
    assertThat(errors(withNode2("dataDir: /d") + "approvals:\n  defaultTimeout: 0s\n"))
        .containsExactly("approvals.defaultTimeout: must be positive, got 0s");
    assertThat(errors(withNode2("dataDir: /d") + "worker:\n  agentStartTimeout: 30\n"))
        .containsExactly(
            "worker.agentStartTimeout: expected a duration such as 500ms, 30s, 15m, 24h, 2d or PT24H, got 30");
  }

  @Test
  void allErrorsAreReportedTogether() {
    String yaml =
        """
        temporal:
          namespce: prod
        clusters:
          main:
            nodes:
              - name: pg1
                host: ${PG1_HOST}
                port: 0
              - name: pg1
                host: 127.0.0.2
                dataDir: /d
                port: many
            credentials:
              password: secret
        archive:
          compression: lz4
        """;
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, Map.of(), "dev.yml"));

    assertThat(e.errors())
        .containsExactly(
            "clusters.main.credentials.password: inline secrets are not accepted; set passwordEnv: <ENV_VAR_NAME> or passwordFile: <path> instead",
            "clusters.main.nodes[0].host: environment variable PG1_HOST is not set",
            "temporal.namespce: unknown field (known: target, namespace, uiUrl, tls, apiKeyEnv, apiKeyFile)",
            "clusters.main.nodes[1].port: expected a number, got \"many\"",
            "clusters.main.nodes[0].port: must be 1-65535, got 0",
            "clusters.main.nodes[0].dataDir: is required",
            "clusters.main.nodes[1].name: duplicate node name pg1 (also nodes[0])",
            "archive.compression: unknown compression \"lz4\" (known: gzip, zstd)");
    assertThat(e.getMessage()).startsWith("invalid config dev.yml:\n  clusters.main.credentials.password: inline secrets");
    assertThat(e.getMessage()).contains("\n  archive.compression: unknown compression");
  }

  @Test
  void compressionLevelOutsideTheCompressorsRangeIsRefused() {
    String cluster = withNode2("dataDir: /d");
    assertThat(errors(cluster + "archive:\n  bucket: b-1\n  compressionLevel: 12\n"))
        .containsExactly("archive.compressionLevel: 12 is not a gzip level (1-9)");
    assertThat(errors(cluster + "archive:\n  bucket: b-1\n  compression: zstd\n  compressionLevel: 0\n"))
        .containsExactly("archive.compressionLevel: 0 is not a zstd level (1-19)");
    RunbooksConfig zstd = ConfigLoader.parse(cluster + "archive:\n  bucket: b-1\n  compression: zstd\n  compressionLevel: 12\n",
        Map.of(), "test.yml");
    assertThat(zstd.archive().compressionLevel()).isEqualTo(12);
  }

  @Test
  void archiveParallelOutsideOneToThirtyTwoIsRefusedAndDefaultsToFour() {
    String cluster = withNode2("dataDir: /d");
    assertThat(errors(cluster + "archive:\n  bucket: b-1\n  parallel: 0\n  compressionLevel: 12\n"))
        .containsExactly("archive.compressionLevel: 12 is not a gzip level (1-9)",
            "archive.parallel: 0 archive runs at once is not 1-32");
    assertThat(errors(cluster + "archive:\n  bucket: b-1\n  parallel: 33\n"))
        .containsExactly("archive.parallel: 33 archive runs at once is not 1-32");
    assertThat(ConfigLoader.parse(cluster + "archive:\n  bucket: b-1\n", Map.of(), "t.yml").archive().parallel())
        .isEqualTo(4);
    assertThat(ConfigLoader.parse(cluster + "archive:\n  bucket: b-1\n  parallel: 8\n", Map.of(), "t.yml").archive()
        .parallel()).isEqualTo(8);
  }

  @Test
  void yamlSyntaxErrorGivesTheLine() {
    assertThat(errors("clusters:\n  main: [\n")).singleElement().asString().startsWith("line ");
  }

  private static String withPolicy(String policyLines) {
    String policies =
        policyLines.lines().map(l -> (l.startsWith("- ") ? "          " : "            ") + l)
            .reduce((a, b) -> a + "\n" + b).orElse("");
    return NODES.formatted("        dataDir: /d\n    databases:\n      app:\n        partitions:\n          - "
        + policies.substring(12));
  }
}
