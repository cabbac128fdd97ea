package io.pgrunbooks.workflows.failover;

import static io.pgrunbooks.workflows.failover.PatroniFailoverFakes.node;
import static io.pgrunbooks.workflows.failover.PatroniFailoverFakes.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.failover.PatroniFailoverChecks.Fence;
import io.pgrunbooks.workflows.failover.PatroniFailoverChecks.Situation;
import org.junit.jupiter.api.Test;

class PatroniFailoverChecksTest {

  @Test
  void aHealthyLeaderThatIsNotTheCandidateIsAPlannedSwitchover() {
    var v = view("pg1", false, node("pg1", true, true, 10, 1), node("pg2", false, true, 10, 1));
    assertThat(PatroniFailoverChecks.situation(v, "pg2")).isEqualTo(Situation.PLANNED);
    assertThat(PatroniFailoverChecks.situation(v, "pg1")).isEqualTo(Situation.LEADER_ELECTED);
  }

  @Test
  void aLeaderWhosePatroniOrPostgresIsGoneIsLost() {
    assertThat(PatroniFailoverChecks.situation(view("pg1", false, node("pg1", true, false, 10, 1),
        node("pg2", false, true, 10, 1)), "pg2")).isEqualTo(Situation.LEADER_LOST);
    assertThat(PatroniFailoverChecks.situation(view("pg1", false, node("pg1", null, true, 10, 1),
        node("pg2", false, true, 10, 1)), "pg2")).isEqualTo(Situation.LEADER_LOST);
    var none = view(null, false, node("pg1", null, false, 0, 0), node("pg2", false, true, 10, 1));
    assertThat(PatroniFailoverChecks.situation(none, "pg2")).isEqualTo(Situation.LEADER_LOST);
    assertThat(PatroniFailoverChecks.oldPrimary(none, Situation.LEADER_LOST)).isEqualTo("pg1");
  }

  @Test
  void twoWritableNodesMeanTheLeaderIsElectedAndTheOtherIsTheOldPrimary() {
    var v = view("pg2", false, node("pg1", true, false, 10, 1), node("pg2", true, true, 5, 2),
        node("pg3", false, true, 5, 2));
    assertThat(PatroniFailoverChecks.situation(v, "pg3")).isEqualTo(Situation.LEADER_ELECTED);
    assertThat(PatroniFailoverChecks.oldPrimary(v, Situation.LEADER_ELECTED)).isEqualTo("pg1");
    assertThat(PatroniFailoverChecks.writableOthers(v, "pg2")).containsExactly("pg1");
  }

  @Test
  void theOldPrimaryIsUnknownWhenSeveralNodesCouldBeIt() {
    var v = view("pg3", false, node("pg1", null, false, 0, 0), node("pg2", null, false, 0, 0),
        node("pg3", true, true, 5, 2));
    assertThat(PatroniFailoverChecks.oldPrimary(v, Situation.LEADER_ELECTED)).isNull();
  }

  @Test
  void onlyAWritableNodeWithADeadPatroniIsStopped() {
    assertThat(PatroniFailoverChecks.fence(node("pg1", true, false, 1, 1))).isEqualTo(Fence.STOP);
    assertThat(PatroniFailoverChecks.fence(node("pg1", true, true, 1, 1))).isEqualTo(Fence.PATRONI_ALIVE);
    assertThat(PatroniFailoverChecks.fence(node("pg1", false, false, 1, 1))).isEqualTo(Fence.NOT_WRITABLE);
    assertThat(PatroniFailoverChecks.fence(node("pg1", null, false, 1, 1))).isEqualTo(Fence.UNREACHABLE);
  }

  @Test
  void aManualFailoverNeedsTwoPeopleAndNoPreApproval() {
    assertThat(PatroniFailoverChecks.manualFailoverRefusal(2)).isNull();
    assertThat(PatroniFailoverChecks.manualFailoverRefusal(1)).contains("approvals.twoPersonRunbooks");
    assertThat(PatroniFailoverChecks.manualFailoverRefusal(-1)).contains("pre-approved");
  }

  @Test
  void theLeaderWaitCoversPatronisTtlWhateverThePromoteTimeout() {
    assertThat(PatroniFailoverChecks.leaderWaitSeconds(60)).isEqualTo(90);
    assertThat(PatroniFailoverChecks.leaderWaitSeconds(300)).isEqualTo(300);
  }

  @Test
  void whyNoPromotionNamesPauseAndMissingCandidates() {
    var paused = view(null, true, node("pg1", null, false, 0, 0), node("pg2", false, true, 10, 1));
    assertThat(PatroniFailoverChecks.whyNoPromotion(paused.facts(), 90)).contains("paused")
        .contains("no replica is streaming");
    var plain = view(null, false, node("pg1", null, false, 0, 0), node("pg2", false, true, 10, 1));
    assertThat(PatroniFailoverChecks.whyNoPromotion(plain.facts(), 90)).contains("no new leader within 90 s");
  }

  @Test
  void possibleLossIsWhatTheCandidateHasNotReceived() {
    assertThat(PatroniFailoverChecks.possibleLoss(1000, node("pg2", false, true, 800, 1))).isEqualTo(200);
    assertThat(PatroniFailoverChecks.possibleLoss(-1, node("pg2", false, true, 800, 1))).isEqualTo(-1);
    assertThat(PatroniFailoverChecks.possibleLoss(700, node("pg2", false, true, 800, 1))).isZero();
  }
}
