package io.pgrunbooks.workflows.failover;

import static io.pgrunbooks.workflows.failover.FailoverFakes.down;
import static io.pgrunbooks.workflows.failover.FailoverFakes.facts;
import static io.pgrunbooks.workflows.failover.FailoverFakes.primary;
import static io.pgrunbooks.workflows.failover.FailoverFakes.replica;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFacts;
import io.pgrunbooks.workflows.activities.FailoverActivities.NodeWal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverChecksTest {
  private static final long MAX_GAP = 1000;

  @Test
  void streamingReplicaCloseToItsPrimaryIsACandidate() {
    FailoverFacts f = facts(primary("pg1"), replica("pg2", 5000, "streaming"), replica("pg3", 5000, "streaming"));

    assertThat(FailoverChecks.requireCandidate(f, "pg2", false, MAX_GAP).name()).isEqualTo("pg2");
  }

  @Test
  void candidateThatIsNotInRecoveryIsRefused() {
    // Two writable nodes: the facts name no primary, only the problem (wording of FailoverActivitiesImpl).
    FailoverFacts f = twoPrimaries();

    refused(() -> FailoverChecks.requireCandidate(f, "pg2", true, MAX_GAP),
        "pg2 is not in recovery (more than one writable node: pg1, pg2): refusing to add a second writable");
  }

  @Test
  void clusterWithTwoPrimariesIsRefusedEvenForAReplicaCandidate() {
    refused(() -> FailoverChecks.requireCandidate(twoPrimaries(), "pg3", true, MAX_GAP),
        "cluster main has more than one writable node: pg1, pg2: resolve that first");
  }

  @Test
  void walReceivedButNotReplayedIsRefusedUnlessForced() {
    NodeWal behind = new NodeWal("pg2", "127.0.0.1", 15432, true, true, null, 5000, 3000, Instant.EPOCH, "streaming", 0.1);
    FailoverFacts f = facts(primary("pg1"), behind, replica("pg3", 5000, "streaming"));

    refused(() -> FailoverChecks.requireCandidate(f, "pg2", false, MAX_GAP),
        "pg2 has received 2000 bytes it has not replayed yet (more than 1000)");
    assertThat(FailoverChecks.requireCandidate(f, "pg2", true, MAX_GAP).name()).isEqualTo("pg2");
  }

  @Test
  void candidateThatDoesNotAnswerIsRefusedEvenWhenForced() {
    FailoverFacts f = facts(primary("pg1"), down("pg2"), replica("pg3", 5000, "streaming"));

    refused(() -> FailoverChecks.requireCandidate(f, "pg2", true, MAX_GAP),
        "pg2 does not answer (connection refused): it cannot be promoted");
  }

  private static FailoverFacts twoPrimaries() {
    return new FailoverFacts("main", List.of(primary("pg1"), primary("pg2"), replica("pg3", 5000, null)), null,
        "more than one writable node: pg1, pg2", -1, Instant.EPOCH);
  }

  private static void refused(Runnable check, String message) {
    TestEnvironments.assertApplicationFailure(check, FailureTypes.SAFETY_REFUSED, message);
    TestEnvironments.assertApplicationFailure(check, FailureTypes.SAFETY_REFUSED, "; nothing was changed");
  }
}
