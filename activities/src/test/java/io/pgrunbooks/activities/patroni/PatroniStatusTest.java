package io.pgrunbooks.activities.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.patroni.PatroniStatus.ClusterStatus;
import io.pgrunbooks.activities.patroni.PatroniStatus.MemberStatus;
import io.pgrunbooks.activities.patroni.PatroniStatus.NodeStatus;
import io.pgrunbooks.workflows.activities.PatroniActivities.ScheduledSwitchover;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The parser on answers recorded from Patroni 3.0.2 (the local stack) and written from Patroni 4.x's docs. */
class PatroniStatusTest {
  static String json(String name) {
    try (InputStream in = PatroniStatusTest.class.getResourceAsStream("/patroni/" + name)) {
      assertThat(in).as("test resource /patroni/" + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void patroni302ClusterHasALeaderAndARunningReplicaWithOnlyTheLagField() {
    ClusterStatus c = PatroniStatus.cluster(json("cluster-3.0.2.json"));

    assertThat(c.paused()).isFalse();
    assertThat(c.scheduledSwitchover()).isNull();
    assertThat(c.members()).containsExactly(
        new MemberStatus("pg1", "primary", "running", "127.0.0.1", 25431, 1, null, null, null, false),
        new MemberStatus("pg2", "replica", "running", "127.0.0.1", 25432, 1, 0L, null, null, false));
  }

  @Test
  void patroni4ClusterHasAStreamingReplicaWithReceiveAndReplayLag() {
    ClusterStatus c = PatroniStatus.cluster(json("cluster-4.x.json"));

    assertThat(c.members()).containsExactly(
        new MemberStatus("pg1", "primary", "running", "127.0.0.1", 25431, 3, null, null, null, false),
        new MemberStatus("pg2", "replica", "streaming", "127.0.0.1", 25432, 3, 8192L, 0L, 8192L, false));
  }

  @Test
  void pauseScheduledSwitchoverAndPendingRestartAreReadFromBothVersions() {
    ClusterStatus v3 = PatroniStatus.cluster(json("cluster-paused-scheduled-3.0.2.json"));
    assertThat(v3.paused()).isTrue();
    assertThat(v3.scheduledSwitchover()).isEqualTo(new ScheduledSwitchover("2026-12-07T02:05:30+00:00", "pg1", "pg2"));
    assertThat(v3.members()).allMatch(MemberStatus::pendingRestart);

    ClusterStatus v4 = PatroniStatus.cluster(json("cluster-unknown-lag-4.x.json"));
    assertThat(v4.paused()).isTrue();
    assertThat(v4.scheduledSwitchover()).isEqualTo(new ScheduledSwitchover("2026-12-07T03:00:00+00:00", "pg1", null));
    assertThat(v4.members().get(0).pendingRestart()).isTrue();
    // "lag": "unknown" is no number of bytes.
    assertThat(v4.members().get(1).lag()).isNull();
  }

  @Test
  void theLeadersOwnStatusSaysMasterOn3AndPrimaryOn4AndBothReadAsPrimary() {
    NodeStatus v3 = PatroniStatus.node(json("patroni-leader-3.0.2.json"));
    assertThat(v3.role()).isEqualTo("primary");
    assertThat(v3.version()).isEqualTo("3.0.2");
    assertThat(v3.timeline()).isEqualTo(1);
    assertThat(v3.streamingReplicas()).containsExactly("pg2");
    assertThat(v3.pendingRestart()).isFalse();

    NodeStatus v4 = PatroniStatus.node(json("patroni-leader-4.x.json"));
    assertThat(v4.role()).isEqualTo("primary");
    assertThat(v4.version()).isEqualTo("4.0.4");
    assertThat(v4.streamingReplicas()).containsExactly("pg2");
  }

  @Test
  void aReplicasOwnStatusHasAReplicationStateOnlyOn4() {
    NodeStatus v3 = PatroniStatus.node(json("patroni-replica-3.0.2.json"));
    assertThat(v3.role()).isEqualTo("replica");
    assertThat(v3.replicationState()).isNull();
    assertThat(v3.streamingReplicas()).isEmpty();

    NodeStatus pending = PatroniStatus.node(json("patroni-replica-pending-3.0.2.json"));
    assertThat(pending.pendingRestart()).isTrue();
    assertThat(pending.paused()).isTrue();

    assertThat(PatroniStatus.node(json("patroni-replica-4.x.json")).replicationState()).isEqualTo("streaming");
  }

  @Test
  void anAnswerThatIsNotPatronisJsonIsRefusedWithWhatCame() {
    assertThatThrownBy(() -> PatroniStatus.cluster("<html>502 Bad Gateway</html>"))
        .hasMessageContaining("GET /cluster answered something that is not JSON: <html>502 Bad Gateway</html>");
    assertThatThrownBy(() -> PatroniStatus.cluster("{\"error\": \"x\"}"))
        .hasMessageContaining("GET /cluster answered without a members list");
    assertThatThrownBy(() -> PatroniStatus.node("[]"))
        .hasMessageContaining("GET /patroni answered something that is not a JSON object: []");
  }
}
