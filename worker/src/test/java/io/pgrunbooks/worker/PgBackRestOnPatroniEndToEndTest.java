package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PatroniServers;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PhysicalBackup and RestoreDrill of a cluster with {@code topology: patroni} end to end: the Patroni mode of the
 * local stack archiving through Patroni's {@code postgresql.parameters} to pgBackRest over HTTPS, the real worker and
 * node agents as processes. A backup on the leader, a switchover through Patroni's REST API, {@code pgbackrest check}
 * on the new leader (its archive_command pushes), and a drill that restores into a scratch dir without touching
 * either Patroni member's PostgreSQL.
 */
class PgBackRestOnPatroniEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  @Test
  void backupSwitchoverArchivingOnTheNewLeaderAndADrillThatLeavesPatronisMembersAlone() throws Exception {
    long t0 = System.nanoTime();
    try (PgBackRestEndToEnd e2e = PgBackRestEndToEnd.start("patroni",
        o -> o.withPatroni(new PostgresClusterOptions.Patroni(List.of(), 0)))) {
      LocalStack stack = e2e.stack;
      PatroniServers patroni = stack.postgres().patroni();
      PostgresNode pg1 = stack.postgres().node("pg1");
      PostgresNode pg2 = stack.postgres().node("pg2");
      e2e.writeConfig("rtoObjective: 10m\n", PatroniE2e.patroniSection(stack),
          WorkerFixture.archiveYaml(stack, "patroni-drill-e2e"));
      // Set after stanza-create and restarted through Patroni (no pg_ctl): the leader stays where it was.
      assertThat(patroni.get("pg1", "/patroni").path("role").asText()).isIn("master", "primary");
      for (PostgresNode n : List.of(pg1, pg2)) {
        assertThat(n.psql("postgres", "SHOW archive_mode")).isEqualTo("on");
        assertThat(n.psql("postgres", "SHOW archive_command")).as("each member archives from its own data dir")
            .contains("--pg1-path=" + n.dataDir());
      }
      stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
      pg1.psql("postgres", "CREATE TABLE before_switchover AS SELECT generate_series(1, 1000) AS id");
      e2e.fixture.startAll();
      System.out.printf("patroni pgbackrest e2e: stack, stanza and processes up after %d s%n", seconds(t0));

      JsonNode backup = run(e2e, "PhysicalBackup", "physical-backup:main", Map.of("cluster", "main", "type", "full"));
      assertThat(backup.at("/report/outcome").asText()).as(backup.at("/report/summary").asText())
          .isEqualTo("COMPLETED");
      assertThat(backup.at("/node").asText()).isEqualTo("pg1");

      patroni.post("pg1", "/switchover", "{\"leader\": \"pg1\", \"candidate\": \"pg2\"}");
      awaitMembers(patroni, "pg2");
      // archive_command of the new leader pushes: check switches a WAL segment there and waits for it in the repo.
      e2e.pgbackrest.run(Duration.ofMinutes(2), "--pg1-path=" + pg2.dataDir(), "--pg1-port=" + pg2.port(), "check");
      pg2.psql("postgres", "CREATE TABLE after_switchover AS SELECT generate_series(1, 10) AS id");

      System.out.printf("patroni pgbackrest e2e: backup, switchover and check done after %d s%n", seconds(t0));
      long pid1 = pg1.pid().orElseThrow();
      long pid2 = pg2.pid().orElseThrow();
      JsonNode drill = run(e2e, "RestoreDrill", "restore-drill:main", Map.of("cluster", "main", "database",
          "postgres"));
      System.out.printf("patroni pgbackrest e2e: drill done after %d s%n", seconds(t0));
      System.out.println("restore drill on Patroni end to end: " + drill.at("/report/summary").asText());
      assertThat(drill.at("/report/outcome").asText()).isEqualTo("COMPLETED");
      assertThat(drill.at("/passed").asBoolean()).as(drill.at("/checks").toString()).isTrue();
      assertThat(drill.at("/node").asText()).as("the drill runs on the leader now").isEqualTo("pg2");
      assertThat(drill.at("/checks").findValuesAsText("name")).contains("sentinel before the target present",
          "sentinel after the target absent");
      assertThat(pg1.pid().orElseThrow()).as("pg1's PostgreSQL untouched").isEqualTo(pid1);
      assertThat(pg2.pid().orElseThrow()).as("pg2's PostgreSQL untouched").isEqualTo(pid2);
      assertThat(patroni.get("pg2", "/patroni").path("state").asText()).isEqualTo("running");
      Path drills = pg2.dataDir().resolveSibling("pg-runbooks-drills");
      try (var left = Files.exists(drills) ? Files.list(drills) : java.util.stream.Stream.<Path>empty()) {
        assertThat(left).isEmpty();
      }
    }
    System.out.printf("patroni pgbackrest e2e: stack stopped after %d s%n", seconds(t0));
  }

  private static long seconds(long since) {
    return (System.nanoTime() - since) / 1_000_000_000L;
  }

  private static JsonNode run(PgBackRestEndToEnd e2e, String type, String id, Map<String, String> input) {
    var run = e2e.fixture.client.newUntypedWorkflowStub(type, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build());
    run.start(input);
    try {
      return JSON.valueToTree(run.getResult(5, TimeUnit.MINUTES, Map.class));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(type + " did not finish within 5 minutes", e);
    }
  }

  /** Polls {@code GET /cluster} until {@code leader} leads and every other member is a running replica. */
  private static void awaitMembers(PatroniServers patroni, String leader) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode members = null;
    while (System.nanoTime() < deadline) {
      try {
        members = patroni.get(leader, "/cluster").path("members");
      } catch (RuntimeException restarting) {
        Thread.sleep(200);
        continue;
      }
      boolean done = members.size() == 2;
      for (JsonNode m : members) {
        boolean isLeader = m.path("name").asText().equals(leader);
        done &= isLeader ? "leader".equals(m.path("role").asText()) && "running".equals(m.path("state").asText())
            : "replica".equals(m.path("role").asText())
                && List.of("running", "streaming").contains(m.path("state").asText());
      }
      if (done) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no switchover to " + leader + " within 60 s: " + members);
  }
}
