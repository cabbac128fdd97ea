package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevConfigTest {
  private static final Path DEV = Path.of("../ops/config/dev.yml");

  @Test
  void devConfigLoadsWithTheLocalStackValues() {
    RunbooksConfig c = ConfigLoader.load(DEV, Map.of());

    assertThat(c.temporal().target()).isEqualTo("127.0.0.1:7233");
    assertThat(c.temporal().namespace()).isEqualTo("default");
    assertThat(c.temporal().uiUrl()).isEqualTo("http://127.0.0.1:8233");
    assertThat(c.temporal().tls().enabled()).isFalse();
    assertThat(c.worker().metricsPort()).isEqualTo(9464);
    assertThat(c.worker().agentStartTimeout()).isEqualTo(Duration.ofSeconds(30));

    assertThat(c.clusters()).containsOnlyKeys("main");
    ClusterConfig main = c.cluster("main");
    assertThat(main.nodes()).extracting(NodeConfig::name).containsExactly("pg1", "pg2");
    NodeConfig pg1 = main.node("pg1");
    assertThat(pg1.host()).isEqualTo("127.0.0.1");
    assertThat(pg1.port()).isEqualTo(15432);
    assertThat(pg1.dataDir()).isEqualTo(".runbooks-dev/pg/pg1");
    assertThat(pg1.agentMetricsPort()).isEqualTo(9465);
    assertThat(pg1.runAs()).isEqualTo("postgres");
    assertThat(pg1.binDir()).isEqualTo("/usr/lib/postgresql/15/bin");
    assertThat(pg1.slot()).isEqualTo("pg1");
    NodeConfig pg2 = main.node("pg2");
    assertThat(pg2.port()).isEqualTo(15433);
    assertThat(pg2.dataDir()).isEqualTo(".runbooks-dev/pg/pg2");
    assertThat(pg2.agentMetricsPort()).isEqualTo(9466);
    assertThat(main.credentials()).isEqualTo(new Credentials("postgres", "RUNBOOKS_PG_PASSWORD", null));
    assertThat(main.pgbouncer().host()).isEqualTo("127.0.0.1");
    assertThat(main.pgbouncer().port()).isEqualTo(16432);
    assertThat(main.pgbouncer().node()).isEqualTo("pg1");
    // The local stack's PgBouncer admits postgres on its admin console (Failover's PAUSE/RESUME/RELOAD).
    assertThat(main.pgbouncer().adminUser()).isEqualTo("postgres");
    assertThat(main.pgbouncer().configFile()).isEqualTo(".runbooks-dev/pgbouncer/pgbouncer.ini");
    assertThat(main.failover()).isEqualTo(FailoverConfig.defaults());
    assertThat(main.health()).isEqualTo(HealthConfig.defaults());

    List<PartitionPolicyConfig> partitions = main.database("app").partitions();
    assertThat(partitions)
        .containsExactly(
            new PartitionPolicyConfig("public.agent_routing_metrics", "month", "{parent}_{yyyy}_{mm}", 3, "90d", null, true),
            new PartitionPolicyConfig("public.domain_events", "month", "{parent}_y{yyyy}m{mm}", 3, "24mo", "12mo", false));
    assertThat(partitions.get(1).retentionSpec()).isEqualTo(new RetentionSpec(24, ChronoUnit.MONTHS));

    assertThat(c.archive())
        .isEqualTo(new ArchiveConfig("pg-runbooks", "pg-runbooks", "http://127.0.0.1:19000", "us-east-1", "gzip", 6,
            null, null, true, "RUNBOOKS_S3_ACCESS_KEY", "RUNBOOKS_S3_SECRET_KEY", null));

    assertThat(c.approvals().defaultTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(c.approvals().approvers())
        .containsExactly(
            new ApproverConfig("alice", List.of("dba", "approver")),
            new ApproverConfig("bob", List.of("dba", "approver")),
            new ApproverConfig("carol", List.of("sre", "approver")));
    assertThat(c.approvals().twoPersonRunbooks()).containsExactly("Failover", "RestoreDatabase", "PointInTimeRestore");
    assertThat(c.approvals().timeouts()).isEmpty();
    assertThat(c.approvals().roles()).isEmpty();
    assertThat(c.approvals().preApprovals()).isEmpty();
    assertThat(c.approvals().signedRunbooks()).isEmpty();
    assertThat(c.approvals().signingKeyConfigured()).isFalse();
    assertThat(c.notifications().events()).containsExactly("approval-needed", "failed", "completed", "findings");
    assertThat(c.notifications().webhookUrl()).isNull();
    assertThat(c.notifications().webhookUrlEnv()).isNull();

    assertThat(c.schedules())
        .extracting(ScheduleConfig::workflowType, ScheduleConfig::cron)
        .containsExactly(
            tuple("PartitionMaintenance", "0 2 1 * *"),
            tuple("HealthCheck", "0 6 * * *"),
            tuple("Backup", "0 1 * * *"),
            tuple("BackupVerification", "0 4 * * *"),
            tuple("FailoverDrill", "0 3 1-7 * 0"),
            tuple("PhysicalBackup", "30 0 * * 0"),
            tuple("PhysicalBackup", "30 0 * * 1-6"),
            tuple("RestoreDrill", "0 5 * * 0"));
    assertThat(c.schedules().get(5).input()).isEqualTo(Map.of("cluster", "main", "type", "full"));
    assertThat(c.schedules().get(0).input()).isEqualTo(Map.of("cluster", "main", "database", "app"));
    ScheduleConfig drill = c.schedules().get(4);
    assertThat(drill.startEarly()).isEqualTo(Duration.ofHours(3));
    assertThat(drill.calendar().toCron()).isEqualTo("0 0 1-7 * 0");
    assertThat(drill.pauseOnFailure()).isTrue();
    assertThat(drill.overlap()).isEqualTo("skip");
    assertThat(drill.catchupWindow()).isEqualTo(Duration.ofHours(1));

    assertThat(c.api().port()).isEqualTo(8080);
    assertThat(c.api().adminPort()).isEqualTo(8081);
    assertThat(c.api().users()).extracting(ApiUserConfig::name)
        .containsExactly("alice", "bob", "carol", "operator", "viewer");
    assertThat(c.api().users().get(0).roles()).containsExactly("approver", "dba");
    assertThat(c.api().users().get(3).roles()).containsExactly("operator");
    assertThat(c.api().users().get(4).passwordHashEnv()).isEqualTo("RUNBOOKS_API_HASH_VIEWER");
  }

  @Test
  void devConfigTakesTemporalAddressAndDataDirFromTheEnvironment() {
    RunbooksConfig c =
        ConfigLoader.load(DEV, Map.of("RUNBOOKS_TEMPORAL", "10.0.0.5:7233", "RUNBOOKS_DEV_DIR", "/tmp/stack"));

    assertThat(c.temporal().target()).isEqualTo("10.0.0.5:7233");
    assertThat(c.cluster("main").node("pg2").dataDir()).isEqualTo("/tmp/stack/pg/pg2");
  }

  @Test
  void devConfigNeedsOnlyThePasswordAndS3KeysFromTheEnvironment() {
    RunbooksConfig c = ConfigLoader.load(DEV, Map.of());

    // The API users' hashes are the API's own secrets (runbooks dev sets them); the others, every process's.
    assertThat(ConfigLoader.secretProblems(c, Map.of()).stream().filter(p -> !p.startsWith("api.")))
        .containsExactly(
            "clusters.main.credentials: password of postgres: environment variable RUNBOOKS_PG_PASSWORD is not set",
            "archive: archive access key: environment variable RUNBOOKS_S3_ACCESS_KEY is not set",
            "archive: archive secret key: environment variable RUNBOOKS_S3_SECRET_KEY is not set");
    Map<String, String> env =
        Map.of("RUNBOOKS_PG_PASSWORD", "pw", "RUNBOOKS_S3_ACCESS_KEY", "ak", "RUNBOOKS_S3_SECRET_KEY", "sk");
    assertThat(ConfigLoader.secretProblems(c, env)).allMatch(p -> p.startsWith("api.users["));
    assertThat(c.cluster("main").credentials().resolvePassword(env)).isEqualTo("pw");
  }

  @Test
  void devConfigFileHoldsNoPassword() throws Exception {
    assertThat(Files.readString(DEV))
        .doesNotContainPattern("(?im)^\\s*#?\\s*(password|secretKey|secret|passwordHash|signingKey)\\s*:");
  }

  @Test
  void devConfigApprovalExamplesLoadWhenUncommented() throws Exception {
    String text = Files.readString(DEV);
    int start = text.indexOf("\napprovals:");
    int end = text.indexOf("\nnotifications:");
    String approvals = text.substring(start, end).replaceAll("(?m)^  # ", "  ");
    RunbooksConfig c = ConfigLoader.parse(text.substring(0, start) + approvals + text.substring(end), Map.of(), "dev.yml");

    ApprovalsConfig a = c.approvals();
    assertThat(a.timeout("Failover")).isEqualTo(Duration.ofHours(2));
    assertThat(a.timeout("ArchivePartition")).isEqualTo(Duration.ofHours(24));
    assertThat(a.allowedRoles("Failover")).containsExactly("dba");
    assertThat(a.allowedRoles("ArchivePartition")).containsExactly("approver");
    assertThat(a.signedRunbooks()).containsExactly("Failover");
    assertThat(a.signingKeyEnv()).isEqualTo("RUNBOOKS_APPROVAL_KEY");
    assertThat(a.preApprovals())
        .containsExactly(new PreApprovalConfig("ArchivePartition", "drop-partition", "main", "app",
            "public.agent_routing_metrics"));
    assertThat(ConfigLoader.secretProblems(c, Map.of()))
        .contains("approvals: approval signing key: environment variable RUNBOOKS_APPROVAL_KEY is not set");
  }
}
