package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PhysicalBackupActivitiesImpl;
import io.pgrunbooks.activities.postgres.RestoreDrillActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.S3StoreOptions;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupRules;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupTarget;
import io.pgrunbooks.workflows.physicalbackup.StandbyCandidate;
import io.pgrunbooks.workflows.restoredrill.DrillCheckCall;
import io.pgrunbooks.workflows.restoredrill.DrillFacts;
import io.pgrunbooks.workflows.restoredrill.DrillInstance;
import io.pgrunbooks.workflows.restoredrill.DrillRemoveCall;
import io.pgrunbooks.workflows.restoredrill.DrillRestoreCall;
import io.pgrunbooks.workflows.restoredrill.SentinelCall;
import io.pgrunbooks.workflows.restoredrill.SentinelFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code backupStandby} against real pgBackRest 2.45: a primary pg1 and its streaming replica pg2 (one host), the
 * repository in the S3 store over HTTPS. The backup runs on pg2's agent, pgBackRest's log shows it copied from the
 * standby, and a restore drill of it reaches its target. In order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBackRestStandbyOnLocalStackTest {
  private static final String CLUSTER = "pitr";
  private static Path dir;
  private static PostgresCluster cluster;
  private static S3Store s3;
  private static RunbooksConfig config;
  private static PgBackRestBackup fromStandby;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("runbooks-standby-backup-");
    PgBackRestStack.writeArchiveSettings(dir, List.of("pg1", "pg2"), "main");
    s3 = S3Store.start(new S3StoreOptions(0, null, LocalStack.BUCKET, "ak", "sk-secret", dir.resolve("tls"), 0));
    cluster = PostgresCluster.start(PostgresClusterOptions.primaryAndOneReplica(dir, null));
    PgBackRestStack stack = PgBackRestStack.configure(dir, cluster, s3, "main", "/pgbackrest/main", null);
    config = ConfigLoader.parse("""
        clusters:
          %s:
            nodes:
              - name: pg1
                host: 127.0.0.1
                port: %d
                dataDir: %s
              - name: pg2
                host: 127.0.0.1
                port: %d
                dataDir: %s
            pgbackrest:
              stanza: main
              configFile: %s
              repoPath: /pgbackrest/main
              backupStandby: true
              socketPath: %s
        """.formatted(CLUSTER, cluster.primary().port(), cluster.primary().dataDir(), cluster.node("pg2").port(),
        cluster.node("pg2").dataDir(), stack.configFile(), cluster.primary().socketDir()), Map.of(), "standby-test");
    cluster.primary().psql("postgres", "CREATE DATABASE app");
    cluster.primary().psql("app", "CREATE TABLE quiet(id int PRIMARY KEY); INSERT INTO quiet "
        + "SELECT generate_series(1, 5000); CREATE TABLE busy(id int PRIMARY KEY)");
  }

  @AfterAll
  static void stop() {
    if (config != null) {
      new DrillScratchActivitiesImpl(config, "pg1", Map.of()).drillRemove(new DrillRemoveCall(CLUSTER, "drill-standby-1"));
    }
    if (cluster != null) {
      cluster.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  @Order(1)
  void theTargetListsTheStreamingReplicaAndTheRuleChoosesIt() {
    PhysicalBackupTarget t = new PhysicalBackupActivitiesImpl(config, new ConnectionFactory(config))
        .physicalBackupTarget(CLUSTER);

    assertThat(t.node()).isEqualTo("pg1");
    assertThat(t.backupStandby()).isTrue();
    assertThat(t.replicas()).singleElement().satisfies(r -> {
      assertThat(r.node()).isEqualTo("pg2");
      assertThat(r.streaming()).isTrue();
      assertThat(r.lagBytes()).isNotNegative();
    });
    assertThat(PhysicalBackupRules.standby(t.replicas())).extracting(StandbyCandidate::node).isEqualTo("pg2");
  }

  @Test
  @Order(2)
  void theBackupRunsOnTheStandbysAgentAndPgBackRestCopiesFromTheStandby() throws Exception {
    PgBackRestActivitiesImpl pg2 = new PgBackRestActivitiesImpl(config, "pg2", Map.of());

    fromStandby = pg2.pgbackrestBackup(new PgBackRestCall(CLUSTER, "full", "standby-run", List.of(), "pg1"));

    assertThat(fromStandby.full()).isTrue();
    assertThat(fromStandby.runKey()).isEqualTo("standby-run");
    assertThat(fromStandby.size()).isPositive();
    String log = Files.readString(dir.resolve("pgbackrest/log/main-backup.log"));
    assertThat(log).contains("--backup-standby").contains("--pg2-path=" + cluster.node("pg2").dataDir())
        .contains("wait for replay on the standby to reach").contains("replay on the standby reached");
    // Retried on the same run key: the same backup, not a second one.
    assertThat(pg2.pgbackrestBackup(new PgBackRestCall(CLUSTER, "full", "standby-run", List.of(), "pg1")).label())
        .isEqualTo(fromStandby.label());
  }

  @Test
  @Order(3)
  void aRestoreDrillOfTheStandbyBackupReachesItsTarget() {
    RestoreDrillActivitiesImpl central = new RestoreDrillActivitiesImpl(config, new ConnectionFactory(config));
    DrillScratchActivitiesImpl scratch = new DrillScratchActivitiesImpl(config, "pg1", Map.of());
    cluster.primary().psql("app", "INSERT INTO busy SELECT generate_series(1, 10)");
    SentinelFacts s = central.drillSentinels(new SentinelCall(CLUSTER, "app", "drill-standby-1", 0));
    cluster.primary().psql("app", "INSERT INTO busy VALUES (11)");

    DrillInstance instance = scratch.drillRestore(new DrillRestoreCall(CLUSTER, "drill-standby-1", fromStandby.label(),
        s.target()));
    DrillFacts facts = central.drillCheck(new DrillCheckCall(CLUSTER, "app", "127.0.0.1", instance.port(), s));

    assertThat(facts.inRecovery()).isFalse();
    assertThat(facts.beforePresent()).isTrue();
    assertThat(facts.afterPresent()).isFalse();
    assertThat(facts.amcheckErrors()).isEmpty();
    assertThat(scratch.drillRemove(new DrillRemoveCall(CLUSTER, "drill-standby-1"))).isTrue();
  }

  @Test
  @Order(4)
  void aStandbyBackupSentToThePrimarysOwnAgentIsRefused() {
    PgBackRestActivitiesImpl pg1 = new PgBackRestActivitiesImpl(config, "pg1", Map.of());

    assertThatThrownBy(() -> pg1.pgbackrestBackup(new PgBackRestCall(CLUSTER, "incr", "wrong-agent", List.of(),
        "pg1"))).hasMessageContaining("a backup from a standby was sent to the primary pg1's own agent");
  }
}
