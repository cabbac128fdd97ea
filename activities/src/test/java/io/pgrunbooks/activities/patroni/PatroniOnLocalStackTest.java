package io.pgrunbooks.activities.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.node.NodeActivitiesImpl;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.DirectBackend;
import io.pgrunbooks.activities.postgres.PostgresReplicationActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PatroniServers;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.Processes;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.activities.PatroniActivities.AwaitLeaderInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.LeaderWait;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFailoverInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniView;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFactsInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.activities.PatroniActivities.ReinitializeInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverAnswer;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverWatch;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverWatchInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Patroni mode of the local stack (real etcd, real Patroni 3.0, real PostgreSQL 15) read through the
 * Patroni facts client; closing it leaves no process behind.
 */
class PatroniOnLocalStackTest {
  private static final String PASSWORD = "patroni-stack-pw";

  @Test
  void patroniStackBootsALeaderAndAStreamingReplicaThatTheFactsClientReadsAndStopsWithoutLeftovers()
      throws Exception {
    Path dir = Files.createTempDirectory("runbooks-patroni-");
    LocalStackOptions options = LocalStackOptions.defaults(dir).withPassword(PASSWORD)
        .withPatroni(new PostgresClusterOptions.Patroni(List.of(), 0));
    List<ProcessHandle> processes = new ArrayList<>();
    try (LocalStack stack = LocalStack.start(options)) {
      PatroniServers patroni = stack.postgres().patroni();
      assertThat(patroni).as("Patroni mode").isNotNull();
      stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
      for (PostgresNode node : stack.postgres().nodes()) {
        processes.add(ProcessHandle.of(node.pid().orElseThrow()).orElseThrow());
        processes.add(ProcessHandle.of(patroni.pid(node.name())).orElseThrow());
      }
      processes.add(ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("patroni/etcd.pid")).trim()))
          .orElseThrow());
      assertThat(processes).allMatch(Processes::isLive);

      Map<String, Object> described = stack.describe();
      @SuppressWarnings("unchecked")
      Map<String, Object> p = (Map<String, Object>) described.get("patroni");
      assertThat(p).containsEntry("restApi", patroni.restUrls()).containsEntry("user", "patroni")
          .containsEntry("passwordFile", patroni.passwordFile().toString());
      assertThat(Files.readString(patroni.passwordFile()).trim()).isEqualTo(PASSWORD);

      RunbooksConfig config = config(stack, patroni);
      Map<String, String> env = Map.of("PG_PW", PASSWORD);
      ConnectionFactory connections = new ConnectionFactory(config, () -> env, Duration.ofSeconds(5),
          Duration.ofSeconds(30));
      PatroniFacts facts = new PatroniActivitiesImpl(config, connections, () -> env)
          .facts(new PatroniFactsInput("main"));

      assertThat(facts.findings()).isEmpty();
      assertThat(facts.leader()).isEqualTo("pg1");
      assertThat(facts.paused()).isFalse();
      assertThat(facts.scheduledSwitchover()).isNull();
      PatroniMember pg1 = facts.member("pg1");
      PatroniMember pg2 = facts.member("pg2");
      assertThat(pg1.role()).isEqualTo("primary");
      assertThat(pg1.inRecovery()).isFalse();
      assertThat(pg2.role()).isEqualTo("replica");
      assertThat(pg2.streaming()).isTrue();
      assertThat(pg2.inRecovery()).isTrue();
      assertThat(pg2.timeline()).isEqualTo(pg1.timeline()).isEqualTo(1);
      assertThat(pg2.patroniVersion()).isEqualTo("3.0.2");

      // The runbooks' topology facts on the Patroni backend name the same primary.
      Topology topology = new PostgresReplicationActivitiesImpl(config, connections,
          List.of(new DirectBackend(connections), new PatroniBackend(connections, () -> env)))
          .topology(new TopologyInput("main", "pg2"));
      assertThat(topology.primary()).isEqualTo("pg1");
      assertThat(topology.problem()).isNull();
      assertThat(topology.replicaState()).isEqualTo("streaming");
      // A node agent never runs pg_ctl under Patroni.
      assertThatThrownBy(() -> new NodeActivitiesImpl(config, "pg2", env)
          .stopPostgres(new RebuildStep("main", "pg2", "run-1")))
          .hasMessageContaining("cluster main is managed by Patroni (topology: patroni)");
      assertThat(stack.postgres().node("pg2").isRunning()).isTrue();

      // ReplicaRebuild's Patroni step: the leader is refused, the replica is wiped and cloned by Patroni.
      PatroniActivitiesImpl activities = new PatroniActivitiesImpl(config, connections, () -> env);
      assertThatThrownBy(() -> activities.reinitialize(new ReinitializeInput("main", "pg1")))
          .hasMessageContaining("pg1 holds Patroni's leader lock; a leader is never reinitialized");
      stack.postgres().node("pg1").psql("postgres", "CREATE TABLE before_reinit AS SELECT 1 AS v");
      Path marker = stack.postgres().node("pg2").dataDir().resolve("runbooks-reinit-marker");
      Files.writeString(marker, "wiped by a reinitialize");
      long pg2Before = stack.postgres().node("pg2").pid().orElseThrow();

      String answer = activities.reinitialize(new ReinitializeInput("main", "pg2"));

      assertThat(answer).containsIgnoringCase("reinitialize");
      awaitFacts(activities, f -> f.member("pg2").streaming() && !Files.exists(marker)
          && f.member("pg2").inRecovery() != null);
      assertThat(stack.postgres().node("pg2").pid().orElseThrow()).isNotEqualTo(pg2Before);
      stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
      assertThat(stack.postgres().node("pg2").psql("postgres", "SELECT v FROM before_reinit")).isEqualTo("1");

      // Failover's Patroni step: a POST naming the wrong leader is refused by Patroni, the right one switches over.
      SwitchoverAnswer refused = activities.switchover(new SwitchoverInput("main", "pg2", "pg1"));
      assertThat(refused.status()).as(refused.body()).isIn(400, 412);
      SwitchoverWatch refusedWatch = activities.switchoverAndWatch(new SwitchoverWatchInput("main", "pg2", "pg1",
          "pg2", "pg1", 30));
      assertThat(refusedWatch.status()).as("%s", refusedWatch).isIn(400, 412);
      assertThat(refusedWatch.candidateLeads()).isFalse();
      assertThat(activities.facts(new PatroniFactsInput("main")).leader()).isEqualTo("pg1");
      // The runbook's path: the POST and the candidate polled in one call, which returns once pg2 leads.
      SwitchoverWatch done = activities.switchoverAndWatch(new SwitchoverWatchInput("main", "pg1", "pg2", "pg1",
          "pg2", 60));
      assertThat(done.candidateLeads()).as("%s", done).isTrue();
      assertThat(done.status()).as("%s", done).isIn(0, 200);
      assertThat(stack.postgres().node("pg2").psql("postgres", "SELECT pg_is_in_recovery()")).isEqualTo("f");
      awaitFacts(activities, f -> "pg2".equals(f.leader()) && Boolean.FALSE.equals(f.member("pg2").inRecovery())
          && f.member("pg2").timeline() == 2);

      // Failover's Patroni steps, back to pg1: the view of every node, a manual POST /failover, the wait for the
      // new leader.
      stack.postgres().awaitStreaming("pg1", Duration.ofSeconds(60));
      PatroniView view = activities.view(new PatroniFactsInput("main"));
      assertThat(view.leaderNode()).isEqualTo("pg2");
      assertThat(view.node("pg2").restAnswers()).isTrue();
      assertThat(view.node("pg2").writable()).isTrue();
      assertThat(view.node("pg1").writable()).isFalse();
      assertThat(view.node("pg2").timeline()).isEqualTo(2);
      assertThat(activities.failover(new PatroniFailoverInput("main", "pg2"))).contains("already Patroni's leader");
      assertThat(activities.failover(new PatroniFailoverInput("main", "pg1"))).containsIgnoringCase("failed over");
      LeaderWait wait = activities.awaitLeader(new AwaitLeaderInput("main", "pg2", 60));
      assertThat(wait.found()).as("%s", wait).isTrue();
      assertThat(wait.node()).isEqualTo("pg1");
      assertThat(wait.timeline()).isEqualTo(3);
      assertThat(activities.view(new PatroniFactsInput("main")).node("pg1").timeline()).isEqualTo(3);
      assertThat(activities.awaitLeader(new AwaitLeaderInput("main", "pg1", 1)).found())
          .as("the old leader does not count as a new one").isFalse();
    }
    assertThat(processes).noneMatch(Processes::isLive);
    assertThat(dir).doesNotExist();
  }

  private static PatroniFacts awaitFacts(PatroniActivitiesImpl activities, java.util.function.Predicate<PatroniFacts> ok) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    PatroniFacts last = null;
    while (System.nanoTime() < deadline) {
      last = activities.facts(new PatroniFactsInput("main"));
      if (ok.test(last)) {
        return last;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("Patroni facts never became as expected; last: " + last);
  }

  private static RunbooksConfig config(LocalStack stack, PatroniServers patroni) {
    StringBuilder yaml = new StringBuilder("clusters:\n  main:\n    topology: patroni\n    nodes:\n");
    for (PostgresNode n : stack.postgres().nodes()) {
      yaml.append("      - {name: %s, host: %s, port: %d, dataDir: \"%s\"}\n"
          .formatted(n.name(), n.host(), n.port(), n.dataDir()));
    }
    yaml.append("    credentials: {user: postgres, passwordEnv: PG_PW}\n    patroni:\n      restApi:\n");
    patroni.restUrls().forEach((node, url) -> yaml.append("        %s: %s\n".formatted(node, url)));
    yaml.append("      credentials: {user: patroni, passwordFile: \"%s\"}\n".formatted(patroni.passwordFile()));
    return ConfigLoader.parse(yaml.toString(), Map.of("PG_PW", PASSWORD), "patroni-stack");
  }
}
