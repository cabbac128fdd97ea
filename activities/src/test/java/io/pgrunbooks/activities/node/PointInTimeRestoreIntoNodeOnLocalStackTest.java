package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.ops.stack.PitrMarkers;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestore;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestoreCall;
import io.pgrunbooks.workflows.pitr.PitrRules;
import io.pgrunbooks.workflows.pitr.PitrTarget;
import io.pgrunbooks.workflows.pitr.PointInTimeRestoreInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PointInTimeRestore {@code into: node} on the node agent of a real streaming replica: real pgBackRest 2.45, the
 * repository in the S3 store over HTTPS, real PostgreSQL. The replica, stopped and moved aside, is restored to a
 * whole-second target and paused there: the marker row committed before the target is there, the one after is not,
 * it refuses writes; a retried restore (and a half-written one left by a killed agent) converges; then the old data
 * directory is put back and the replica streams again.
 */
class PointInTimeRestoreIntoNodeOnLocalStackTest {
  private static final String CLUSTER = PgBackRestScratchFixture.CLUSTER;
  private static PgBackRestScratchFixture stack;
  private static PostgresNode primary;
  private static PostgresNode replica;

  @BeforeAll
  static void start() throws Exception {
    stack = PgBackRestScratchFixture.start("runbooks-pitr-node-", List.of("pg2"));
    primary = stack.cluster.primary();
    replica = stack.cluster.node("pg2");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theReplicaIsRestoredPausedAtTheTargetWithTheRowBeforeItAndNotTheOneAfterThenPutBack() throws Exception {
    Instant target = PitrMarkers.aroundATarget(primary, "app");
    PitrMarkers.archiveCurrentSegment(primary);
    awaitRows(replica, 2);

    NodeActivitiesImpl agent = new NodeActivitiesImpl(stack.config, "pg2", Map.of());
    PitrNodeActivitiesImpl pitr = new PitrNodeActivitiesImpl(stack.config, "pg2", Map.of());
    String runId = "test-" + UUID.randomUUID();
    RebuildStep step = new RebuildStep(CLUSTER, "pg2", runId);
    PitrTarget t = PitrRules.target(PointInTimeRestoreInput.toTime(CLUSTER, target.toString()));
    NodeRestoreCall call = new NodeRestoreCall(CLUSTER, "pg2", runId, stack.full.label(), t.value(), t.type(),
        false);

    assertThatThrownBy(() -> pitr.restoreNodeToTarget(call)).hasMessageContaining("was not moved aside by this run");
    agent.stopPostgres(step);
    agent.moveDataDirAside(step);
    // What a killed agent leaves: half a restore. The attempt starts over from an empty directory.
    Path partial = Path.of(replica.dataDir() + ".partial-" + runId);
    Files.createDirectories(partial.resolve("base"));
    Files.writeString(partial.resolve("base/junk"), "half a restore");

    NodeRestore restored = pitr.restoreNodeToTarget(call);
    System.out.printf("into: node restore to %s: restore %.1f s, paused at %s, %s%n", t.value(),
        restored.restoreSeconds(), restored.replayLsn(), restored.recoveryStop());

    assertThat(PitrRules.notReached(t, restored.recoveryStop())).isNull();
    assertThat(restored.port()).isEqualTo(replica.port());
    assertThat(restored.dataDir()).isEqualTo(replica.dataDir().toAbsolutePath().normalize().toString());
    assertThat(partial).doesNotExist();
    assertThat(Path.of(restored.dataDir(), "base/junk")).doesNotExist();
    assertThat(replica.psql("app", "SELECT string_agg(name, ',' ORDER BY at) FROM marker").strip())
        .isEqualTo("before");
    assertThat(replica.psql("app", "SELECT pg_is_in_recovery() || ' ' || pg_get_wal_replay_pause_state()").strip())
        .isEqualTo("true paused");
    assertThatThrownBy(() -> replica.psql("app", "INSERT INTO marker(name) VALUES ('write')"))
        .hasMessageContaining("read-only");

    NodeRestore again = pitr.restoreNodeToTarget(call);
    assertThat(again.restoreSeconds()).isZero();
    assertThat(again.replayLsn()).isEqualTo(restored.replayLsn());

    // The rollback path of a failed verify: the old data directory back, the replica streaming again.
    agent.restoreOldDataDir(step);
    agent.startPostgres(step);
    awaitRows(replica, 2);
    assertThat(replica.psql("app", "SELECT pg_is_in_recovery()").strip()).isEqualTo("t");
    HostCommands.deleteTree(Path.of(replica.dataDir() + ".failed-" + runId));
    HostCommands.deleteTree(Path.of(replica.dataDir() + ".tablespaces-" + runId));
  }

  private static void awaitRows(PostgresNode node, int rows) throws InterruptedException {
    Instant deadline = Instant.now().plus(1, ChronoUnit.MINUTES);
    while (true) {
      try {
        if (node.psql("app", "SELECT count(*) FROM marker").strip().equals(Integer.toString(rows))) {
          return;
        }
      } catch (RuntimeException notYet) {
        // starting up
      }
      assertThat(Instant.now()).as(node.name() + " has " + rows + " marker rows within a minute").isBefore(deadline);
      Thread.sleep(200);
    }
  }
}
