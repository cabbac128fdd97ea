package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.VerifySignatureInput;
import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * Takes votes from the message handlers and counts them. Handlers only check and queue: a signed
 * vote needs the {@code verifySignature} activity, which neither a signal handler nor an update
 * validator may run, so the gate's wait loop counts the queue ({@link #countQueued}).
 */
final class VoteCounter {
  private final RunRecorder run;
  private final Ballots ballots;
  private final ApprovalActivities approvals;

  VoteCounter(RunRecorder run, Ballots ballots, ApprovalActivities approvals) {
    this.run = run;
    this.ballots = ballots;
    this.approvals = approvals;
  }

  void onSignal(ApprovalSignal signal, boolean approve) {
    String kind = approve ? "approve" : "reject";
    if (signal == null) {
      refused("ignored signal", kind, null, null, "empty signal");
      return;
    }
    String refusal = ballots.refusal(signal.requestId(), signal.approver(), approve, signal.signature(), true);
    if (refusal != null) {
      refused("ignored signal", kind, signal.approver(), signal.requestId(), refusal);
      return;
    }
    ballots.enqueue(signal.requestId(), signal.approver(), approve, signal.comment(), signal.signature(),
        "signal " + kind);
  }

  void validate(Decision decision) {
    String refusal = decision == null ? "empty decision"
        : refusal(decision);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  DecisionResult decide(Decision decision) {
    // The validator passed, but another message may have changed the state since.
    String refusal = refusal(decision);
    if (refusal != null) {
      refused("refused update", "decide", decision.approver(), decision.requestId(), refusal);
      throw ApplicationFailure.newFailure(refusal, ApprovalGate.REFUSED);
    }
    Vote vote = ballots.enqueue(decision, "update decide");
    Workflow.await(vote::done);
    if (vote.refusal != null) {
      throw ApplicationFailure.newFailure(vote.refusal, ApprovalGate.REFUSED);
    }
    return vote.result;
  }

  /** Counts the queued votes of every open request; signed votes are verified first. */
  void countQueued() {
    for (Vote vote = ballots.nextQueued(); vote != null; vote = ballots.nextQueued()) {
      String refusal = recheck(vote);
      if (refusal == null && ballots.policy().signatureRequired()) {
        refusal = checkSignature(vote);
        // The check is an activity: other votes may have decided the request meanwhile.
        refusal = refusal != null ? refusal : recheck(vote);
      }
      if (refusal != null) {
        vote.refusal = refusal;
        boolean signal = vote.via.startsWith("signal");
        refused(signal ? "ignored signal" : "refused update", vote.via.substring(vote.via.indexOf(' ') + 1),
            vote.approver, vote.requestId, refusal);
        continue;
      }
      Ballot ballot = ballots.get(vote.requestId);
      vote.result = ballot.count(vote);
      run.approval(new ApprovalRecord(ballot.id, ballot.request.action(), vote.approver, run.now(),
          vote.approve ? "APPROVED" : "REJECTED", vote.comment, vote.subject, vote.displayName));
      if (ballot.open()) {
        run.awaiting(ApprovalText.pending(ballot, ballots.policy(), Workflow.getInfo().getWorkflowId()));
      }
    }
  }

  private String refusal(Decision d) {
    return ballots.refusal(d, true);
  }

  private String recheck(Vote vote) {
    return ballots.refusal(vote.asDecision(), false);
  }

  private String checkSignature(Vote vote) {
    Ballot ballot = ballots.get(vote.requestId);
    String decision = vote.approve ? ApprovalSignatures.APPROVE : ApprovalSignatures.REJECT;
    try {
      // The run id binds the signature to this run: one signed for an earlier run of the same workflow
      // id (whose request ids repeat) or for another request of this run fails here and is logged.
      // A vote with roles was signed in the v3 format, which binds those roles: forged roles fail here.
      boolean valid = approvals.verifySignature(new VerifySignatureInput(Workflow.getInfo().getWorkflowId(),
          Workflow.getInfo().getRunId(), ballot.id, vote.approver, decision, ballot.request.planDigest(),
          vote.signature, vote.roles, vote.roles == null ? null : vote.identitySource));
      return valid ? null : "the signature on the " + decision + " by " + vote.approver
          + (vote.roles == null ? "" : " with role(s) " + vote.roles.stream().sorted().toList())
          + " is not valid for request " + ballot.id + " of this run and its plan";
    } catch (ActivityFailure e) {
      return "the signature of " + vote.approver + " could not be checked: " + Failures.describe(e);
    }
  }

  private void refused(String what, String kind, String approver, String requestId, String reason) {
    String line = what + ": " + kind + " by " + (approver == null ? "(no approver)" : approver)
        + (requestId == null || requestId.isBlank() ? "" : " for " + requestId) + ": " + reason;
    Workflow.getLogger(ApprovalGate.class).warn(line);
    run.log(line);
  }
}
