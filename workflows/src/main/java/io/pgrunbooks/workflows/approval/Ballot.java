package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.approval.ApprovalOutcome.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One approval request and the votes counted for it so far. */
final class Ballot {
  final String id;
  final ApprovalRequest request;
  final int needed;
  final Instant deadline;
  final List<String> approvedBy = new ArrayList<>();
  final Set<String> voters = new HashSet<>();
  /** Provider subjects of the voters: one person under two names still votes once. */
  final Set<String> voterSubjects = new HashSet<>();
  private Status status;
  private String decidedBy;
  private String comment;

  Ballot(String id, ApprovalRequest request, int needed, Instant deadline) {
    this.id = id;
    this.request = request;
    this.needed = needed;
    this.deadline = deadline;
  }

  boolean open() {
    return status == null;
  }

  Status status() {
    return status;
  }

  /** Counts a vote that passed every check; one rejection decides, approvals need {@link #needed}. */
  DecisionResult count(Vote vote) {
    voters.add(vote.approver);
    if (vote.subject != null) {
      voterSubjects.add(vote.subject);
    }
    if (!vote.approve) {
      close(Status.REJECTED, vote.approver, vote.comment);
      return result("REJECTED", "rejected by " + vote.approver);
    }
    approvedBy.add(vote.approver);
    if (approvedBy.size() >= needed) {
      close(Status.APPROVED, vote.approver, vote.comment);
      return result("APPROVED", "approved by " + String.join(" and ", approvedBy));
    }
    int more = needed - approvedBy.size();
    return result("PENDING", "approved by " + vote.approver + "; " + more + " more approval" + (more == 1 ? "" : "s")
        + " needed");
  }

  void expire(String why) {
    close(Status.TIMED_OUT, null, why);
  }

  ApprovalOutcome outcome() {
    return new ApprovalOutcome(id, request.step(), status, List.copyOf(approvedBy), decidedBy, comment,
        request.planDigest());
  }

  private void close(Status newStatus, String by, String why) {
    status = newStatus;
    decidedBy = by;
    comment = why;
  }

  private DecisionResult result(String outcome, String message) {
    return new DecisionResult(id, outcome, List.copyOf(approvedBy), needed, message);
  }
}
