package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.pgbouncer.PgBouncerActivitiesImpl;
import io.pgrunbooks.activities.postgres.PitrClusterActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PgBouncerOptions;
import io.pgrunbooks.ops.stack.PgBouncerServer;
import io.pgrunbooks.ops.stack.PitrMarkers;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FailoverNodeInput;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.activities.PgBouncerActivities.BouncerInput;
import io.pgrunbooks.workflows.pitr.PitrClusterActivities.InPlaceFacts;
import io.pgrunbooks.workflows.pitr.PitrClusterActivities.InPlaceFactsCall;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestore;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestoreCall;
import io.pgrunbooks.workflows.pitr.PitrRules;
import io.pgrunbooks.workflows.pitr.PitrTarget;
import io.pgrunbooks.workflows.pitr.PointInTimeRestoreInput;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PointInTimeRestore {@code into: inPlace} on the node agent of a real primary: real pgBackRest 2.45 with the
 * repository in the S3 store over HTTPS, real PostgreSQL 15. The primary is stopped cleanly, moved aside, restored to
 * a whole-second target and promoted: the row committed before the target is there, the one after is not, it writes
 * on a new timeline whose WAL reaches the repository, {@code pgbackrest check} passes afterwards, and PgBouncer, paused
 * around it, serves the restored primary again.
 */
class PointInTimeRestoreInPlaceOnLocalStackTest {
  private static final String CLUSTER = PgBackRestScratchFixture.CLUSTER;
  private static PgBackRestScratchFixture stack;
  private static PostgresNode primary;
  private static PgBouncerServer bouncer;
  /** The fixture's cluster with a {@code pgbouncer} section: PgBouncer in front of pg1, driven by pg1's agent. */
  private static RunbooksConfig config;

  @BeforeAll
  static void start() throws Exception {
    stack = PgBackRestScratchFixture.start("runbooks-pitr-inplace-");
    primary = stack.cluster.primary();
    bouncer = PgBouncerServer.start(new PgBouncerOptions(stack.dir.resolve("pgbouncer"), 0, primary.host(),
        primary.port(), null, false));
    config = ConfigLoader.parse("""
        clusters:
          %s:
            nodes:
              - {name: pg1, host: 127.0.0.1, port: %d, dataDir: %s}
            pgbouncer:
              host: %s
              port: %d
              node: pg1
              adminUser: postgres
              configFile: %s
            pgbackrest:
              stanza: main
              configFile: %s
              repoPath: /pgbackrest/main
        """.formatted(CLUSTER, primary.port(), primary.dataDir(), bouncer.host(), bouncer.port(), bouncer.iniFile(),
        stack.repo.configFile()), Map.of(), "pitr-inplace-test");
  }

  @AfterAll
  static void stop() {
    if (bouncer != null) {
      bouncer.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void thePrimaryGoesBackToTheTargetAndWritesAndArchivesOnANewTimeline() throws Exception {
    Instant target = PitrMarkers.aroundATarget(primary, "app");
    InPlaceFacts before = new PitrClusterActivitiesImpl(config, new ConnectionFactory(config))
        .inPlaceFacts(new InPlaceFactsCall(CLUSTER, "pg1"));
    assertThat(before.timeline()).isEqualTo("00000001");
    assertThat(before.bouncerNode()).isEqualTo("pg1");

    NodeActivitiesImpl agent = new NodeActivitiesImpl(config, "pg1", Map.of());
    PitrNodeActivitiesImpl pitr = new PitrNodeActivitiesImpl(config, "pg1", Map.of());
    PgBouncerActivitiesImpl pgbouncer = new PgBouncerActivitiesImpl(config, "pg1", Map.of());
    String runId = "test-" + UUID.randomUUID();
    RebuildStep step = new RebuildStep(CLUSTER, "pg1", runId);
    PitrTarget t = PitrRules.target(PointInTimeRestoreInput.toTime(CLUSTER, target.toString()));

    // The clean stop archives the last segment ('after' included): recovery must stop before it on its own.
    pgbouncer.pauseBouncer(new BouncerInput(CLUSTER));
    new FailoverNodeActivitiesImpl(config, "pg1", Map.of()).stopForSwitchover(new FailoverNodeInput(CLUSTER,
        "pg1"));
    agent.moveDataDirAside(step);
    NodeRestore restored = pitr.restoreNodeToTarget(new NodeRestoreCall(CLUSTER, "pg1", runId, stack.full.label(),
        t.value(), t.type(), true));
    System.out.printf("in-place restore to %s: restore %.1f s, timeline %s, archived %s, %s%n", t.value(),
        restored.restoreSeconds(), restored.timeline(), restored.archivedWal(), restored.recoveryStop());

    assertThat(PitrRules.inPlaceNotVerified(t, restored, before.timeline())).isNull();
    assertThat(restored.timeline()).isEqualTo("00000002");
    assertThat(primary.psql("app", "SELECT string_agg(name, ',' ORDER BY at) FROM marker").strip()).isEqualTo("before");
    pgbouncer.resumeBouncer(new BouncerInput(CLUSTER));
    // Clients come back through PgBouncer to the restored primary, and write.
    try (Connection c = bouncer.connect("app"); Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO marker(name) VALUES ('new-timeline')");
      try (ResultSet rs = st.executeQuery("SELECT string_agg(name, ',' ORDER BY at) FROM marker")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("before,new-timeline");
      }
    }
    assertThat(primary.psql("app", "SELECT pg_is_in_recovery()").strip()).isEqualTo("f");
    assertThat(stack.repo.run(Duration.ofMinutes(2), "check")).doesNotContain("ERROR");

    // A retry of the restore step after the promotion converges without restoring again.
    NodeRestore again = pitr.restoreNodeToTarget(new NodeRestoreCall(CLUSTER, "pg1", runId, stack.full.label(),
        t.value(), t.type(), true));
    assertThat(again.restoreSeconds()).isZero();
    assertThat(again.timeline()).isEqualTo("00000002");

    agent.removeOldDataDir(step);
    assertThat(Path.of(primary.dataDir() + ".rebuild-" + runId)).doesNotExist();
    HostCommands.deleteTree(Path.of(primary.dataDir() + ".tablespaces-" + runId));
    awaitArchived();
  }

  private static void awaitArchived() throws InterruptedException {
    Instant deadline = Instant.now().plus(2, ChronoUnit.MINUTES);
    while (!"0".equals(primary.psql("app", "SELECT failed_count FROM pg_stat_archiver").strip())) {
      assertThat(Instant.now()).as("no failed archive_command").isBefore(deadline);
      Thread.sleep(500);
    }
    assertThat(List.of(primary.psql("app", "SELECT last_archived_wal FROM pg_stat_archiver").strip()))
        .allMatch(w -> w.startsWith("00000002"));
  }
}
