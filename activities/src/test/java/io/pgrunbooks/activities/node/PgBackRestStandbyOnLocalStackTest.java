package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PhysicalBackupActivitiesImpl;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestActivities;
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
 * repository in the S3 store over HTTPS, the fixture's full backup taken on pg2's agent. pgBackRest's log shows it
 * copied from the standby, and a restore drill of it reaches its target. In order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBackRestStandbyOnLocalStackTest {
  private static final String CLUSTER = PgBackRestScratchFixture.CLUSTER;
  private static PgBackRestScratchFixture stack;

  @BeforeAll
  static void start() throws Exception {
    stack = PgBackRestScratchFixture.start("runbooks-standby-backup-", List.of("pg2"), true);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close("drill-standby-1");
    }
  }

  @Test
  @Order(1)
  void theTargetListsTheStreamingReplicaAndTheRuleChoosesIt() {
    PhysicalBackupTarget t = new PhysicalBackupActivitiesImpl(stack.config, new ConnectionFactory(stack.config))
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
  void theBackupRanOnTheStandbysAgentAndPgBackRestCopiedFromTheStandby() throws Exception {
    PgBackRestActivities pg2 = new PgBackRestActivitiesImpl(stack.config, "pg2", Map.of());

    assertThat(stack.full.full()).isTrue();
    assertThat(stack.full.size()).isPositive();
    String log = Files.readString(stack.dir.resolve("pgbackrest/log/main-backup.log"));
    assertThat(log).contains("--backup-standby").contains("--pg2-path=" + stack.cluster.node("pg2").dataDir())
        .contains("wait for replay on the standby to reach").contains("replay on the standby reached");
    // Retried on the same run key: the same backup, not a second one.
    assertThat(pg2.pgbackrestBackup(new PgBackRestCall(CLUSTER, "full", "drill-test-full", List.of(), "pg1")).label())
        .isEqualTo(stack.full.label());
  }

  @Test
  @Order(3)
  void aRestoreDrillOfTheStandbyBackupReachesItsTarget() {
    stack.cluster.primary().psql("app", "INSERT INTO busy SELECT generate_series(1, 10)");
    SentinelFacts s = stack.central.drillSentinels(new SentinelCall(CLUSTER, "app", "drill-standby-1", 0));
    stack.cluster.primary().psql("app", "INSERT INTO busy VALUES (11)");

    DrillInstance instance = stack.scratch.drillRestore(new DrillRestoreCall(CLUSTER, "drill-standby-1",
        stack.full.label(), s.target()));
    DrillFacts facts = stack.central.drillCheck(new DrillCheckCall(CLUSTER, "app", "127.0.0.1", instance.port(), s));

    assertThat(facts.inRecovery()).isFalse();
    assertThat(facts.beforePresent()).isTrue();
    assertThat(facts.afterPresent()).isFalse();
    assertThat(facts.amcheckErrors()).isEmpty();
    assertThat(stack.scratch.drillRemove(new DrillRemoveCall(CLUSTER, "drill-standby-1"))).isTrue();
  }

  @Test
  @Order(4)
  void aStandbyBackupSentToThePrimarysOwnAgentIsRefused() {
    assertThatThrownBy(() -> stack.pgbackrest.pgbackrestBackup(new PgBackRestCall(CLUSTER, "incr", "wrong-agent",
        List.of(), "pg1"))).hasMessageContaining("a backup from a standby was sent to the primary pg1's own agent");
  }
}
