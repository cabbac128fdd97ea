package io.pgrunbooks.workflows.failover;

import static io.pgrunbooks.workflows.failover.PatroniFakes.facts;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.activities.PatroniActivities.ScheduledSwitchover;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverWatch;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.failover.PatroniSwitchoverChecks.Answer;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatroniSwitchoverChecksTest {
  private static final PatroniFacts HEALTHY = facts("pg1", 4, false, null, null);

  @Test
  void theWatchSaysWhetherPatroniHadAnsweredWhenTheCandidateLed() {
    assertThat(PatroniSwitchoverChecks.describe(new SwitchoverWatch(0, "", true, "pg2 leads", 1200)))
        .isEqualTo("Patroni had not answered the POST yet; pg2 leads after 1200 ms");
    assertThat(PatroniSwitchoverChecks.describe(new SwitchoverWatch(200, "Successfully switched over", true,
        "pg2 leads", 2300))).isEqualTo("HTTP 200: Successfully switched over; pg2 leads after 2300 ms");
    assertThat(PatroniSwitchoverChecks.describeAnswer(-1, "no answer from Patroni of pg1: timed out"))
        .isEqualTo("no answer from Patroni of pg1: timed out");
  }

  @Test
  void aHealthyClusterMaySwitchOver() {
    PatroniSwitchoverChecks.requireSwitchable(HEALTHY, "pg1", "pg2");
  }

  @Test
  void aPausedClusterIsRefused() {
    refused(facts("pg1", 4, true, null, null), "pg2", "cluster main is paused in Patroni");
  }

  @Test
  void aScheduledSwitchoverIsRefused() {
    refused(facts("pg1", 4, false, new ScheduledSwitchover("2026-12-08T02:00:00Z", "pg1", null), null), "pg2",
        "Patroni already has a switchover scheduled at 2026-12-08T02:00:00Z from pg1 in cluster main");
  }

  @Test
  void aLeaderOtherThanPostgresPrimaryIsRefused() {
    refused(facts("pg3", 4, false, null, null), "pg2", "Patroni's leader is pg3 on pg3 but PostgreSQL's primary is pg1");
  }

  @Test
  void aStoppedCandidateIsRefused() {
    refused(facts("pg1", 4, false, null, "pg2"), "pg2", "pg2 (member pg2) is not a replica in recovery");
  }

  @Test
  void answersMapToRefusalsOrToJudgingFromTheCluster() {
    assertThat(PatroniSwitchoverChecks.answer(200)).isEqualTo(Answer.ACCEPTED);
    assertThat(PatroniSwitchoverChecks.answer(503)).isEqualTo(Answer.UNKNOWN);
    assertThat(PatroniSwitchoverChecks.answer(-1)).isEqualTo(Answer.UNKNOWN);
    assertThat(PatroniSwitchoverChecks.answer(412)).isEqualTo(Answer.REFUSED);
    assertThat(PatroniSwitchoverChecks.answer(400)).isEqualTo(Answer.REFUSED);
    assertThat(PatroniSwitchoverChecks.answer(401)).isEqualTo(Answer.CREDENTIALS);
  }

  @Test
  void promotedNeedsTheCandidateHoldingTheLockWithPostgresOutOfRecovery() {
    assertThat(PatroniSwitchoverChecks.promoted(HEALTHY, "pg2").done()).isFalse();
    // Patroni's member timeline may still be the old one: PostgreSQL's write proves the new timeline.
    assertThat(PatroniSwitchoverChecks.promoted(facts("pg2", 4, false, null, "pg1"), "pg2").done()).isTrue();
    PatroniFacts stillInRecovery = with(facts("pg2", 5, false, null, "pg1"), "pg2", true);
    assertThat(PatroniSwitchoverChecks.promoted(stillInRecovery, "pg2").detail())
        .isEqualTo("leader pg2 on timeline 5, PostgreSQL there still in recovery (true)");
  }

  @Test
  void aWriteOnAnyButTheNextTimelineIsRefused() {
    PatroniSwitchoverChecks.requireNextTimeline("pg2", 5, 4);
    TestEnvironments.assertApplicationFailure(() -> PatroniSwitchoverChecks.requireNextTimeline("pg2", 6, 4),
        FailureTypes.SAFETY_REFUSED, "pg2 took a write on timeline 6, not on 5 after the leader's 4");
  }

  @Test
  void completedNeedsTheNextTimelineInPatroniAndTheOldLeaderRunningAsAReplica() {
    assertThat(PatroniSwitchoverChecks.completed(facts("pg2", 4, false, null, null), "pg1", "pg2", 4).detail())
        .isEqualTo("pg2 is primary on timeline 4 (waiting for the leader on timeline 5)");
    assertThat(PatroniSwitchoverChecks.completed(facts("pg2", 5, false, null, "pg1"), "pg1", "pg2", 4).done())
        .isFalse();
    assertThat(PatroniSwitchoverChecks.completed(facts("pg2", 5, false, null, null), "pg1", "pg2", 4).detail())
        .isEqualTo("pg2 leads on timeline 5; pg1: role replica, state streaming, in recovery true");
  }

  @Test
  void theWritableLeaderIsOnlyNamedWhenItIsTheOnlyWritableNode() {
    assertThat(PatroniSwitchoverChecks.writableLeader(HEALTHY)).isEqualTo("pg1");
    assertThat(PatroniSwitchoverChecks.writableLeader(with(HEALTHY, "pg2", false))).isNull();
    assertThat(PatroniSwitchoverChecks.writableLeader(with(HEALTHY, "pg1", true))).isNull();
  }

  private static void refused(PatroniFacts f, String candidate, String message) {
    TestEnvironments.assertApplicationFailure(() -> PatroniSwitchoverChecks.requireSwitchable(f, "pg1", candidate),
        FailureTypes.SAFETY_REFUSED, message);
  }

  /** {@code f} with {@code node}'s PostgreSQL answering {@code inRecovery}. */
  private static PatroniFacts with(PatroniFacts f, String node, boolean inRecovery) {
    List<PatroniMember> members = new ArrayList<>();
    for (PatroniMember m : f.members()) {
      members.add(!m.node().equals(node) ? m : new PatroniMember(m.name(), m.node(), m.dataDir(), m.role(), "running",
          m.streaming(), m.timeline(), m.lagBytes(), null, null, false, "3.0.2", inRecovery));
    }
    return new PatroniFacts(f.cluster(), f.leader(), f.paused(), f.scheduledSwitchover(), members, f.answeredBy(),
        f.findings());
  }
}
