package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBackRestConfigTest {
  private static RunbooksConfig parse(String section) {
    return ConfigLoader.parse(ConfigErrorsTest.NODES.formatted("        dataDir: /d" + section), Map.of(), "t");
  }

  @Test
  void aClusterWithoutTheSectionHasNoPhysicalBackups() {
    assertThat(parse("").cluster("main").pgbackrest()).isNull();
  }

  @Test
  void onlyTheStanzaIsRequiredAndTheRestHasDefaults() {
    PgBackRestConfig b = parse("\n    pgbackrest:\n      stanza: main").cluster("main").pgbackrest();

    assertThat(b.stanza()).isEqualTo("main");
    assertThat(b.configFile()).isEqualTo("/etc/pgbackrest/pgbackrest.conf");
    assertThat(b.repoPath()).isEqualTo("/pgbackrest");
    assertThat(b.command()).isEqualTo("/usr/bin/pgbackrest");
    assertThat(b.retentionFull()).isEqualTo(2);
    assertThat(b.minFull()).isEqualTo(1);
    assertThat(b.encrypted()).isFalse();
    assertThat(b.archiveLagDegradedSeconds()).isEqualTo(300);
    assertThat(b.archiveLagUnhealthySeconds()).isEqualTo(1800);
    assertThat(b.backupAgeDegradedHours()).isEqualTo(26);
    assertThat(b.backupAgeUnhealthyHours()).isEqualTo(50);
  }

  @Test
  void healthThresholdsCanBeSetOneByOneAndAnInvertedPairIsRefused() {
    PgBackRestConfig b = parse("\n    pgbackrest:\n      stanza: main\n      backupAgeUnhealthyHours: 200")
        .cluster("main").pgbackrest();
    assertThat(b.backupAgeUnhealthyHours()).isEqualTo(200);
    assertThat(b.backupAgeDegradedHours()).isEqualTo(26);

    assertThatThrownBy(() -> parse("\n    pgbackrest:\n      stanza: main\n      archiveLagDegradedSeconds: 600"
        + "\n      archiveLagUnhealthySeconds: 60\n      backupAgeDegradedHours: 0"))
        .hasMessageContaining("clusters.main.pgbackrest.archiveLagUnhealthySeconds: must be at least "
            + "archiveLagDegradedSeconds (600), got 60")
        .hasMessageContaining("clusters.main.pgbackrest.backupAgeDegradedHours: must be positive, got 0");
  }

  @Test
  void everyBadValueIsReportedWithItsPathAtOnce() {
    assertThatThrownBy(() -> parse("\n    pgbackrest:\n      stanza: \"main; rm -rf /\"\n      repoPath: pgbackrest"
        + "\n      retentionFull: 2\n      minFull: 3\n      cipherPassEnv: NOT-A-VAR\n      cipherPassFile: /etc/pass"))
        .hasMessageContaining("clusters.main.pgbackrest.stanza")
        .hasMessageContaining("clusters.main.pgbackrest.repoPath: must be an absolute path")
        .hasMessageContaining("clusters.main.pgbackrest.minFull: must not exceed retentionFull")
        .hasMessageContaining("clusters.main.pgbackrest.cipherPassEnv")
        .hasMessageContaining("set either cipherPassEnv or cipherPassFile");
  }

  @Test
  void restoreDrillObjectivesAreDurationsAndNonsenseIsRefused() {
    PgBackRestConfig b = parse("\n    pgbackrest:\n      stanza: main\n      rtoObjective: 15m\n      rpoObjective: 5m")
        .cluster("main").pgbackrest();
    assertThat(b.rtoObjective()).isEqualTo(java.time.Duration.ofMinutes(15));
    assertThat(b.rpoObjective()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(parse("\n    pgbackrest:\n      stanza: main").cluster("main").pgbackrest().rtoObjective()).isNull();

    assertThatThrownBy(() -> parse("\n    pgbackrest:\n      stanza: main\n      rtoObjective: 0s\n      rpoObjective: 30d"))
        .hasMessageContaining("clusters.main.pgbackrest.rtoObjective: must be more than 0")
        .hasMessageContaining("clusters.main.pgbackrest.rpoObjective: must be more than 0 and at most 7d");
  }

  @Test
  void backupStandbyIsOffByDefaultAndOnWhenTheClusterHasAReplica() {
    assertThat(parse("\n    pgbackrest:\n      stanza: main").cluster("main").pgbackrest().backupStandby()).isFalse();

    PgBackRestConfig b = parse("\n    pgbackrest:\n      stanza: main\n      backupStandby: true"
        + "\n      socketPath: /run/pg").cluster("main").pgbackrest();

    assertThat(b.backupStandby()).isTrue();
    assertThat(b.socketPath()).isEqualTo("/run/pg");
  }

  @Test
  void backupStandbyOnAClusterWithoutReplicaAndABlankSocketPathAreRefused() {
    String oneNode = """
        clusters:
          solo:
            nodes:
              - name: pg1
                host: 127.0.0.1
                dataDir: /d
            pgbackrest:
              stanza: main
              backupStandby: true
              socketPath: " "
        """;

    assertThatThrownBy(() -> ConfigLoader.parse(oneNode, Map.of(), "t"))
        .hasMessageContaining("clusters.solo.pgbackrest.backupStandby: needs a replica to back up from, but the "
            + "cluster has 1 node; add a replica node or set backupStandby: false")
        .hasMessageContaining("clusters.solo.pgbackrest.socketPath: must name a directory");
  }

  @Test
  void aMissingStanzaAndAZeroMinimumAreRefused() {
    assertThatThrownBy(() -> parse("\n    pgbackrest:\n      minFull: 0"))
        .hasMessageContaining("clusters.main.pgbackrest.stanza")
        .hasMessageContaining("clusters.main.pgbackrest.minFull: must be at least 1");
  }

  @Test
  void anInlinePassphraseIsRefused() {
    assertThatThrownBy(() -> parse("\n    pgbackrest:\n      stanza: main\n      cipherPass: hunter2"))
        .hasMessageContaining("inline secrets are not accepted")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void thePassphraseComesFromTheNamedVariableAndAnUnsetOneIsASecretProblem() {
    RunbooksConfig c = parse("\n    pgbackrest:\n      stanza: main\n      cipherPassEnv: PGBR_PASS");

    assertThat(c.cluster("main").pgbackrest().resolveCipherPass(Map.of("PGBR_PASS", "s3cr3t"))).isEqualTo("s3cr3t");
    assertThat(ConfigLoader.secretProblems(c, Map.of())).anyMatch(s -> s.contains("clusters.main.pgbackrest")
        && s.contains("PGBR_PASS"));
  }

  @Test
  void theDevConfigArchivesToTheStanzaRunbooksDevCreates() {
    PgBackRestConfig b = ConfigLoader.load(Path.of("../ops/config/dev.yml"), Map.of()).cluster("main").pgbackrest();

    assertThat(b.stanza()).isEqualTo("main");
    assertThat(b.configFile()).isEqualTo(".runbooks-dev/pgbackrest/pgbackrest.conf");
    assertThat(b.repoPath()).isEqualTo("/pgbackrest/main");
  }
}
