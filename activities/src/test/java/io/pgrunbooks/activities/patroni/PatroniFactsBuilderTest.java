package io.pgrunbooks.activities.patroni;

import static io.pgrunbooks.activities.patroni.PatroniStatusTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.activities.patroni.PatroniFactsBuilder.Observed;
import io.pgrunbooks.activities.postgres.TopologyBackend.Roles;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Patroni's answers joined with pg_is_in_recovery(): every disagreement is a sentence. No I/O. */
class PatroniFactsBuilderTest {
  private static final ClusterConfig CLUSTER = ConfigLoader.parse("""
      clusters:
        main:
          topology: patroni
          nodes:
            - {name: pg1, host: 127.0.0.1, port: 25431, dataDir: /d/pg1}
            - {name: pg2, host: 127.0.0.1, port: 25432, dataDir: /d/pg2}
          patroni:
            restApi: {pg1: "http://127.0.0.1:18001", pg2: "http://127.0.0.1:18002"}
      """, Map.of(), "t").cluster("main");

  private static PatroniFacts facts(String cluster, String leader, String replica, Map<String, Boolean> inRecovery) {
    return PatroniFactsBuilder.build("main", CLUSTER, new Observed("pg1", PatroniStatus.cluster(json(cluster)),
        Map.of("pg1", PatroniStatus.node(json(leader)), "pg2", PatroniStatus.node(json(replica))), Map.of(),
        inRecovery, Map.of()));
  }

  @Test
  void aHealthy302ClusterHasALeaderAStreamingReplicaAndNoFindings() {
    PatroniFacts f = facts("cluster-3.0.2.json", "patroni-leader-3.0.2.json", "patroni-replica-3.0.2.json",
        Map.of("pg1", false, "pg2", true));

    assertThat(f.findings()).isEmpty();
    assertThat(f.leader()).isEqualTo("pg1");
    assertThat(f.paused()).isFalse();
    assertThat(f.pendingRestart()).isFalse();
    assertThat(f.member("pg2")).isEqualTo(new PatroniMember("pg2", "pg2", "/d/pg2", "replica", "running", true, 1,
        0L, null, null, false, "3.0.2", true));
    assertThat(PatroniBackend.judge(f)).isEqualTo(new Roles("pg1", null, Map.of("pg1", false, "pg2", true), Map.of()));
  }

  @Test
  void aHealthy4ClusterReportsReceiveAndReplayLag() {
    PatroniFacts f = facts("cluster-4.x.json", "patroni-leader-4.x.json", "patroni-replica-4.x.json",
        Map.of("pg1", false, "pg2", true));

    assertThat(f.findings()).isEmpty();
    PatroniMember pg2 = f.member("pg2");
    assertThat(pg2.streaming()).isTrue();
    assertThat(pg2.receiveLagBytes()).isZero();
    assertThat(pg2.replayLagBytes()).isEqualTo(8192L);
    assertThat(pg2.patroniVersion()).isEqualTo("4.0.4");
    assertThat(f.member("pg1").isLeader()).isTrue();
  }

  @Test
  void aReplicaThatAcceptsWritesIsTwoWritableNodesAndNoPrimary() {
    PatroniFacts f = facts("cluster-3.0.2.json", "patroni-leader-3.0.2.json", "patroni-replica-3.0.2.json",
        Map.of("pg1", false, "pg2", false));

    assertThat(f.findings()).containsExactly(
        "pg2: Patroni reports it as replica, but its PostgreSQL accepts writes (pg_is_in_recovery() = false)",
        "more than one writable node: pg1, pg2 (pg_is_in_recovery() = false on each): fence all but Patroni's leader");
    Roles roles = PatroniBackend.judge(f);
    assertThat(roles.primary()).isNull();
    assertThat(roles.problem()).contains("accepts writes").contains("more than one writable node");
  }

  @Test
  void aLeaderInRecoveryIsAFinding() {
    PatroniFacts f = facts("cluster-3.0.2.json", "patroni-leader-3.0.2.json", "patroni-replica-3.0.2.json",
        Map.of("pg1", true, "pg2", true));

    assertThat(f.findings()).containsExactly("pg1: Patroni holds the leader lock for it, but its PostgreSQL is in"
        + " recovery (pg_is_in_recovery() = true)");
    assertThat(PatroniBackend.judge(f).primary()).isNull();
  }

  @Test
  void pauseScheduledSwitchoverPendingRestartTimelineAndANotStreamingReplicaAreReported() {
    PatroniFacts f = facts("cluster-unknown-lag-4.x.json", "patroni-leader-4.x.json", "patroni-replica-3.0.2.json",
        Map.of("pg1", false, "pg2", true));

    assertThat(f.paused()).isTrue();
    assertThat(f.scheduledSwitchover().from()).isEqualTo("pg1");
    assertThat(f.pendingRestart()).isTrue();
    assertThat(f.member("pg2").lagBytes()).isNull();
    assertThat(f.findings()).containsExactly("pg2 is on timeline 3, the leader pg1 on timeline 4");
    // The leader's replication lists pg2 as streaming: only the timeline disagrees.
    assertThat(f.member("pg2").streaming()).isTrue();
  }

  @Test
  void aNodeMissingFromPatroniAndAnUnansweredRestApiAreFindings() {
    PatroniFacts f = PatroniFactsBuilder.build("main", CLUSTER, new Observed("pg2",
        PatroniStatus.cluster("{\"members\": [{\"name\": \"pg2\", \"role\": \"leader\", \"state\": \"running\","
            + " \"host\": \"127.0.0.1\", \"port\": 25432, \"timeline\": 2}]}"),
        Map.of(), Map.of("pg1", "Connection refused", "pg2", "timed out"), Map.of("pg1", false, "pg2", false),
        Map.of()));

    assertThat(f.leader()).isEqualTo("pg2");
    assertThat(f.findings()).containsExactly(
        "node pg1 is not a member of the Patroni cluster (GET /cluster lists pg2)",
        "Patroni REST API of pg1 did not answer: Connection refused",
        "Patroni REST API of pg2 did not answer: timed out",
        "more than one writable node: pg1, pg2 (pg_is_in_recovery() = false on each): fence all but Patroni's leader");
  }

  @Test
  void noLeaderAndAMemberOfAnotherHostAreFindings() {
    PatroniFacts f = PatroniFactsBuilder.build("main", CLUSTER, new Observed("pg1",
        PatroniStatus.cluster("{\"members\": [{\"name\": \"pg1\", \"role\": \"replica\", \"state\": \"running\","
            + " \"host\": \"127.0.0.1\", \"port\": 25431}, {\"name\": \"db7\", \"role\": \"replica\", \"state\":"
            + " \"stopped\", \"host\": \"10.0.0.7\", \"port\": 5432}]}"),
        Map.of(), Map.of(), Map.of("pg1", true), Map.of("pg2", "Connection refused")));

    assertThat(f.leader()).isNull();
    assertThat(f.findings()).containsExactly(
        "Patroni reports no leader: a failover is under way, or Patroni lost its DCS",
        "Patroni member db7 (10.0.0.7:5432) is no node of cluster main in the config",
        "node pg2 is not a member of the Patroni cluster (GET /cluster lists pg1, db7)",
        "PostgreSQL on pg2 did not answer pg_is_in_recovery(): Connection refused");
  }

  @Test
  void aMemberIsMatchedToItsNodeByHostAndPortWhenTheNamesDiffer() {
    PatroniFacts f = PatroniFactsBuilder.build("main", CLUSTER, new Observed("pg1",
        PatroniStatus.cluster("{\"members\": [{\"name\": \"patroni-a\", \"role\": \"leader\", \"state\": \"running\","
            + " \"host\": \"127.0.0.1\", \"port\": 25431, \"timeline\": 1}, {\"name\": \"patroni-b\", \"role\":"
            + " \"replica\", \"state\": \"streaming\", \"host\": \"127.0.0.1\", \"port\": 25432, \"timeline\": 1}]}"),
        Map.of(), Map.of(), Map.of("pg1", false, "pg2", true), Map.of()));

    assertThat(f.findings()).isEmpty();
    assertThat(f.member("patroni-a").node()).isEqualTo("pg1");
    assertThat(f.member("patroni-b").node()).isEqualTo("pg2");
    assertThat(PatroniBackend.judge(f).primary()).isEqualTo("pg1");
  }
}
