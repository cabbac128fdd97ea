package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresReplicationActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.activities.NodeActivities.BaseBackupInput;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import io.pgrunbooks.workflows.activities.NodeActivities.NodeState;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUp;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUpInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.SlotInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The host-local and replication steps of a rebuild, called directly against the shared stack's real
 * replica and primary: each step twice (retries converge), a leftover partial copy of a killed attempt,
 * and the guards that keep the primary safe. Leaves the replica streaming.
 */
class ReplicaRebuildOnLocalStackTest {
  private static final String CLUSTER = TestStack.CLUSTER;

  static RunbooksConfig config() {
    return ConfigLoader.parse(yaml(), TestStack.env(), "rebuild-test");
  }

  /** The YAML of {@link #config()}, ending inside the cluster's {@code rebuild:} section. */
  static String yaml() {
    StringBuilder yaml = new StringBuilder("clusters:\n  %s:\n    nodes:\n".formatted(CLUSTER));
    for (PostgresNode n : SharedStack.get().postgres().nodes()) {
      yaml.append("      - {name: %s, host: %s, port: %d, dataDir: %s}\n".formatted(n.name(), n.host(), n.port(),
          n.dataDir().toAbsolutePath()));
    }
    Path passFile = SharedStack.get().postgres().primary().dataDir().toAbsolutePath().getParent().resolve(".pgpass");
    yaml.append("""
            credentials: {user: postgres, passwordEnv: %s}
            rebuild:
              stopTimeout: 20s
              streamingPassFile: %s
        """.formatted(TestStack.PASSWORD_ENV, passFile));
    return yaml.toString();
  }

  @Test
  void everyStepConvergesOnRetryAndTheRebuiltReplicaStreamsTheRows() throws Exception {
    RunbooksConfig cfg = config();
    PostgresNode primary = SharedStack.get().postgres().currentPrimary();
    PostgresNode replica = SharedStack.get().postgres().nodes().stream().filter(n -> n != primary).findFirst().orElseThrow();
    NodeActivitiesImpl agent = new NodeActivitiesImpl(cfg, replica.name(), TestStack.env());
    PostgresReplicationActivitiesImpl sql = new PostgresReplicationActivitiesImpl(cfg,
        new ConnectionFactory(cfg, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)));
    String runId = "test-" + UUID.randomUUID();
    RebuildStep step = new RebuildStep(CLUSTER, replica.name(), runId);
    primary.psql("postgres", "DROP TABLE IF EXISTS rebuild_probe; CREATE TABLE rebuild_probe AS SELECT g AS id "
        + "FROM generate_series(1, 1000) g");

    NodeState before = agent.nodeState(step);
    assertThat(before.running()).isTrue();
    assertThat(before.inRecovery()).isTrue();
    assertThat(before.controlState()).as(before.controlError()).isEqualTo("in archive recovery");
    Topology topology = sql.topology(new TopologyInput(CLUSTER, replica.name()));
    assertThat(topology.primary()).isEqualTo(primary.name());
    assertThat(topology.slotExists()).isTrue();
    assertThat(topology.databaseBytes()).isPositive();

    BaseBackupInput copy = new BaseBackupInput(CLUSTER, replica.name(), runId, primary.name(), primary.host(),
        primary.port(), topology.slot());
    NodePlan plan = agent.rebuildPlan(copy);
    assertThat(String.join("\n", plan.baseBackup())).contains("pg_basebackup", "-R", "-S " + topology.slot(),
        "-X stream", "-P").doesNotContain(SharedStack.PASSWORD);

    assertThat(agent.stopPostgres(step).summary()).startsWith("stopped");
    assertThat(agent.stopPostgres(step).summary()).contains("not running");
    agent.moveDataDirAside(step);
    assertThat(agent.moveDataDirAside(step).summary()).contains("already");
    Path old = Path.of(plan.oldCopy());
    assertThat(old.resolve("PG_VERSION")).exists();
    assertThat(Path.of(plan.dataDir())).doesNotExist();
    sql.recreateSlot(new SlotInput(CLUSTER, primary.name(), topology.slot()));
    sql.recreateSlot(new SlotInput(CLUSTER, primary.name(), topology.slot()));

    // What a killed agent leaves: a half-written copy. The retry starts again from an empty directory.
    Path partial = Path.of(plan.dataDir() + ".partial-" + runId);
    Files.createDirectories(partial.resolve("base"));
    Files.writeString(partial.resolve("base/junk"), "half a copy");
    CommandOutcome copied = agent.baseBackup(copy);
    assertThat(copied.bytes()).isPositive();
    assertThat(partial).doesNotExist();
    Path data = Path.of(plan.dataDir());
    assertThat(data.resolve("standby.signal")).exists();
    assertThat(data.resolve("base/junk")).doesNotExist();
    String autoConf = Files.readString(data.resolve("postgresql.auto.conf"));
    assertThat(autoConf).contains("passfile=''" + cfg.cluster(CLUSTER).rebuild().streamingPassFile() + "''")
        .contains("application_name=" + replica.name()).doesNotContain(".partial-");
    assertThat(agent.baseBackup(copy).summary()).contains("already");
    assertThat(data.getParent()).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".pgpass")
        && p.getFileName().toString().contains(runId));

    agent.startPostgres(step);
    assertThat(agent.startPostgres(step).summary()).contains("already");
    primary.psql("postgres", "INSERT INTO rebuild_probe SELECT g FROM generate_series(1001, 2000) g");
    CatchUp caughtUp = sql.awaitCatchUp(new CatchUpInput(CLUSTER, primary.name(), replica.name(), 1, 120));
    assertThat(caughtUp.state()).isEqualTo("streaming");
    awaitRows(replica, 2000);

    agent.removeOldDataDir(step);
    assertThat(old).doesNotExist();
    assertThat(agent.removeOldDataDir(step).summary()).isEqualTo("nothing to remove");
    primary.psql("postgres", "DROP TABLE rebuild_probe");
  }

  @Test
  void theAgentOfThePrimaryRefusesToStopIt() {
    PostgresNode primary = SharedStack.get().postgres().currentPrimary();
    NodeActivitiesImpl agent = new NodeActivitiesImpl(config(), primary.name(), TestStack.env());

    assertThatThrownBy(() -> agent.stopPostgres(new RebuildStep(CLUSTER, primary.name(), "x1")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(e.getOriginalMessage()).contains("is not in recovery (a primary)");
        });
    assertThat(primary.isRunning()).isTrue();
  }

  @Test
  void slotsAreOnlyRecreatedOnThePrimary() {
    RunbooksConfig cfg = config();
    PostgresNode primary = SharedStack.get().postgres().currentPrimary();
    PostgresNode replica = SharedStack.get().postgres().nodes().stream().filter(n -> n != primary).findFirst().orElseThrow();
    PostgresReplicationActivitiesImpl sql = new PostgresReplicationActivitiesImpl(cfg,
        new ConnectionFactory(cfg, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)));

    assertThatThrownBy(() -> sql.recreateSlot(new SlotInput(CLUSTER, replica.name(), "never_created")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> assertThat(e.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED));
    assertThatThrownBy(() -> sql.topology(new TopologyInput(CLUSTER, "pg9")))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT));
  }

  static void awaitRows(PostgresNode replica, long expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline) {
      try (Connection c = replica.connect("postgres"); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM rebuild_probe")) {
        rs.next();
        seen = rs.getLong(1);
        if (seen == expected) {
          return;
        }
      } catch (java.sql.SQLException notYet) {
        // starting up or table not replayed yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("replica " + replica.name() + " has " + seen + " rows, expected " + expected);
  }
}
