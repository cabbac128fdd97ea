package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The vote rules on their own, including states the test runbook cannot reach (two requests at once). */
class BallotsTest {
  private static final Instant DEADLINE = Instant.parse("2026-01-05T09:00:00Z");
  private final Ballots ballots = new Ballots(" Dave ");

  BallotsTest() {
    ballots.policy(Fakes.policy(1, List.of(), false));
  }

  @Test
  void withTwoRequestsPendingTheRequestIdIsRequired() {
    open("drop-partition-1");
    open("drop-partition-2");

    assertThat(ballots.refusal(null, "alice", true, null, true))
        .isEqualTo("2 approvals are pending (drop-partition-1, drop-partition-2); name one with requestId");
    assertThat(ballots.refusal("drop-partition-2", "alice", true, null, true)).isNull();
  }

  @Test
  void withNothingPendingEveryVoteIsRefused() {
    assertThat(ballots.refusal(null, "alice", true, null, true)).isEqualTo("no approval is pending");
    assertThat(ballots.refusal("x-1", "alice", true, null, true)).isEqualTo("unknown request 'x-1'; no approval is pending");
  }

  @Test
  void requesterMayRejectButNotApproveWhateverTheCase() {
    open("drop-partition-1");

    assertThat(ballots.refusal(null, "DAVE", true, null, true)).isEqualTo("DAVE requested this run and may not approve it");
    assertThat(ballots.refusal(null, "dave", false, null, true)).isNull();
  }

  @Test
  void aQueuedVoteAlreadyCountsAsTheApproversVote() {
    open("drop-partition-1");
    ballots.enqueue(null, " alice ", true, null, null, "signal approve");

    assertThat(ballots.refusal(null, "alice", true, null, true)).isEqualTo("alice already voted on request drop-partition-1");
    assertThat(ballots.refusal(null, "alice", true, null, false)).isNull();
  }

  @Test
  void oneRejectionDecidesEvenAfterApprovals() {
    Ballot ballot = ballots.open("drop-partition-1", request(), 2, DEADLINE);

    ballot.count(new Vote(ballot.id, "alice", true, null, null, null, null, null, null, "update decide"));
    DecisionResult rejected = ballot.count(new Vote(ballot.id, "bob", false, "wrong table", null, null, null, null, null, "signal reject"));

    assertThat(rejected.outcome()).isEqualTo("REJECTED");
    assertThat(ballot.outcome().describe()).isEqualTo("rejected by bob: wrong table");
    assertThat(ballots.refusal("drop-partition-1", "carol", true, null, true))
        .isEqualTo("request drop-partition-1 is already decided (REJECTED)");
  }

  private void open(String id) {
    ballots.open(id, request(), 1, DEADLINE);
  }

  private static ApprovalRequest request() {
    return ApprovalRequest.of("drop-partition", "drop partition public.x", "public.x", Map.of("rows", "1"));
  }
}
