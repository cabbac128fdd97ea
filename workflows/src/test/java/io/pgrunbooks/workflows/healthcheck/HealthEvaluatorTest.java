package io.pgrunbooks.workflows.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.ReplicationPeer;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.WalReceiver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthEvaluatorTest {
  private final ClusterSpec spec = Fixtures.spec("pg1", "pg2");

  @Test
  void lagOfExactlyOneSecondIsDegraded() {
    assertThat(replicaStatus(Fixtures.streaming("pg2", 1.0))).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void lagOfExactlyFiveSecondsIsStillOnlyDegraded() {
    assertThat(replicaStatus(Fixtures.streaming("pg2", 5.0))).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void lagJustOverFiveSecondsIsUnhealthy() {
    assertThat(replicaStatus(Fixtures.streaming("pg2", 5.01))).isEqualTo(HealthStatus.UNHEALTHY);
  }

  @Test
  void idleReplicaWithNoLagMeasurementIsHealthy() {
    assertThat(replicaStatus(Fixtures.streaming("pg2", null))).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void worstOfWriteFlushAndReplayLagDecidesAndIsNamed() {
    ReplicationPeer peer = new ReplicationPeer("pg2", "10.0.0.2", "pg2_slot", "streaming", "async", 6.5, 0.2, null, 0);

    HealthVerdict verdict = evaluate(Fixtures.primary("pg1").replica(peer), Fixtures.replica("pg2"));

    assertThat(verdict.nodes().get(1).findings()).extracting(Finding::message).containsExactly("write lag 6.5 s > 5 s");
  }

  @Test
  void replicaIsMatchedBySlotWhenItsApplicationNameDiffers() {
    ReplicationPeer peer = new ReplicationPeer("walreceiver", "10.0.0.2", "pg2_slot", "streaming", "async", 2.0, 2.0, 2.0, 0);

    HealthVerdict verdict = evaluate(Fixtures.primary("pg1").replica(peer), Fixtures.replica("pg2"));

    assertThat(verdict.nodes().get(1).findings()).extracting(Finding::message).containsExactly("replay lag 2 s ≥ 1 s");
  }

  @Test
  void configuredThresholdsAreUsedInsteadOfDefaults() {
    ClusterSpec strict = new ClusterSpec("main", spec.nodes(), new HealthThresholds(0.1, 0.5, 50, 60, 10, 0.99, 0.98, 50, 60));

    HealthVerdict verdict = HealthEvaluator.evaluate(strict, List.of(
        observe(Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", 0.3)).connections(55, 100)),
        observe(Fixtures.replica("pg2"))));

    assertThat(verdict.nodes()).extracting(NodeHealth::status).containsExactly(HealthStatus.DEGRADED, HealthStatus.DEGRADED);
    assertThat(verdict.nodes().get(0).findings()).extracting(Finding::message)
        .containsExactly("55 of 100 connections in use (55% ≥ 50%)");
    assertThat(verdict.nodes().get(1).findings()).extracting(Finding::message).containsExactly("replay lag 0.3 s ≥ 0.1 s");
  }

  @Test
  void walReceiverThatIsNotStreamingMakesTheReplicaUnhealthy() {
    HealthVerdict verdict = evaluate(Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", 0.0)),
        Fixtures.replica("pg2").receiver(new WalReceiver("waiting", null, null, null, 0)));

    assertThat(verdict.nodes().get(1).findings()).extracting(Finding::severity, Finding::message)
        .containsExactly(tuple(HealthStatus.UNHEALTHY, "WAL receiver is 'waiting', not streaming"));
  }

  @Test
  void eachNodeFindingCountsAndTheSummaryShowsTheWorstFirst() {
    HealthVerdict verdict = evaluate(Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", 0.0))
            .longQuery(7, 900, "VACUUM FULL big").cacheHit(0.8), Fixtures.replica("pg2"));

    assertThat(verdict.nodes().get(0).findings()).hasSize(2);
    assertThat(verdict.summary())
        .isEqualTo("main: UNHEALTHY — pg1 primary UNHEALTHY (cache hit ratio 80% < 90%, +1 more), pg2 replica HEALTHY");
  }

  @Test
  void allNodesDownMeansNoPrimaryAndEveryNodeUnhealthy() {
    List<NodeObservation> down = new ArrayList<>();
    for (String n : List.of("pg1", "pg2")) {
      down.add(new NodeObservation(n, NodeHealthFacts.unreachable(n, "connection refused", Fixtures.AT), null,
          "node agent for " + n + " did not answer within 30s (queue pg-runbooks-node-" + n + ")"));
    }

    HealthVerdict verdict = HealthEvaluator.evaluate(spec, down);

    assertThat(verdict.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(verdict.clusterFindings()).extracting(Finding::message)
        .containsExactly("no reachable primary (pg1 unreachable, pg2 unreachable)");
    assertThat(verdict.nodes()).extracting(NodeHealth::role, NodeHealth::status)
        .containsOnly(tuple("UNKNOWN", HealthStatus.UNHEALTHY));
  }

  @Test
  void threePrimariesAreNamedInTheSplitBrainFinding() {
    ClusterSpec three = Fixtures.spec("pg1", "pg2", "pg3");

    HealthVerdict verdict = HealthEvaluator.evaluate(three, List.of(observe(Fixtures.primary("pg1")),
        observe(Fixtures.primary("pg2")), observe(Fixtures.primary("pg3"))));

    assertThat(verdict.clusterFindings()).extracting(Finding::message)
        .containsExactly("split brain: pg1, pg2 and pg3 all accept writes");
  }

  @Test
  void agentStartTimeoutDefaultsToThirtySeconds() {
    assertThat(spec.agentStartTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(new ClusterSpec("main", spec.nodes(), null, 45).agentStartTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
  }

  @Test
  void clusterSpecTravelsAsJsonWithoutItsDerivedTimeout() throws Exception {
    var mapper = io.pgrunbooks.workflows.common.DataConverters.objectMapper();
    String json = mapper.writeValueAsString(new ClusterSpec("main", spec.nodes(), spec.health(), 12));

    assertThat(json).doesNotContain("agentStartTimeout\"");
    assertThat(mapper.readValue(json, ClusterSpec.class).agentStartTimeoutSeconds()).isEqualTo(12);
    assertThat(mapper.readValue("{\"name\":\"main\",\"nodes\":[]}", ClusterSpec.class).agentStartTimeout())
        .isEqualTo(java.time.Duration.ofSeconds(30));
  }

  @Test
  void numbersAreFormattedWithoutLocaleOrNoise() {
    assertThat(HealthEvaluator.num(2.3)).isEqualTo("2.3");
    assertThat(HealthEvaluator.num(1.0)).isEqualTo("1");
    assertThat(HealthEvaluator.num(100.0)).isEqualTo("100");
    assertThat(HealthEvaluator.num(0.123)).isEqualTo("0.12");
    assertThat(HealthEvaluator.bytes(512)).isEqualTo("512 B");
    assertThat(HealthEvaluator.bytes(1536)).isEqualTo("1.5 kB");
    assertThat(HealthEvaluator.shorten("  SELECT\n  1\t+ 1 ")).isEqualTo("SELECT 1 + 1");
    assertThat(HealthEvaluator.shorten("x".repeat(200))).hasSize(81);
  }

  private HealthStatus replicaStatus(ReplicationPeer peer) {
    return evaluate(Fixtures.primary("pg1").replica(peer), Fixtures.replica("pg2")).nodes().get(1).status();
  }

  private HealthVerdict evaluate(Fixtures.Facts primary, Fixtures.Facts replica) {
    return HealthEvaluator.evaluate(spec, List.of(observe(primary), observe(replica)));
  }

  private static NodeObservation observe(Fixtures.Facts facts) {
    NodeHealthFacts f = facts.build();
    return new NodeObservation(f.node(), f, Fixtures.disk(f.node(), 40), null);
  }
}
