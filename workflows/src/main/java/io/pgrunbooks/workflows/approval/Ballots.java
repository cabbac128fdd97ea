package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gate's requests, the votes waiting to be counted, and the one set of rules every vote passes,
 * whether it came by signal or by update. Reads state only in {@link #refusal}, so the update
 * validator may call it.
 */
final class Ballots {
  private final Map<String, Ballot> byId = new LinkedHashMap<>();
  private final Deque<Vote> queue = new ArrayDeque<>();
  private final String requestedBy;
  private ApprovalPolicy policy;

  Ballots(String requestedBy) {
    this.requestedBy = requestedBy == null || requestedBy.isBlank() ? null : requestedBy.strip();
  }

  void policy(ApprovalPolicy loaded) {
    policy = loaded;
  }

  ApprovalPolicy policy() {
    return policy;
  }

  Ballot open(String id, ApprovalRequest request, int needed, java.time.Instant deadline) {
    Ballot ballot = new Ballot(id, request, needed, deadline);
    byId.put(id, ballot);
    return ballot;
  }

  int size() {
    return byId.size();
  }

  Ballot get(String id) {
    return byId.get(id);
  }

  boolean hasQueued() {
    return !queue.isEmpty();
  }

  Vote nextQueued() {
    return queue.poll();
  }

  /** Queues a vote that passed {@link #refusal}, with its request id resolved. */
  Vote enqueue(String requestId, String approver, boolean approve, String comment, String signature, String via) {
    return enqueue(new Decision(requestId, approver, approve, comment, signature), via);
  }

  /**
   * A vote of the {@code decide} update, with the approver's provider identity (subject, display name, recorded
   * beside the name) and the roles the API signed with it.
   */
  Vote enqueue(Decision d, String via) {
    Vote vote = new Vote(resolve(d.requestId()).id, d.approver().strip(), d.approve(), d.comment(), d.signature(),
        d.approverSubject(), d.approverDisplayName(), d.approverRoles(), d.identitySource(), via);
    queue.add(vote);
    return vote;
  }

  /**
   * Why this vote may not count, or null when it may. {@code countQueued}: votes accepted but not yet
   * counted also make a second vote by the same approver a duplicate (true in handlers; false when
   * the queued vote itself is being counted).
   */
  String refusal(String requestId, String approver, boolean approve, String signature, boolean countQueued) {
    return refusal(new Decision(requestId, approver, approve, null, signature), countQueued);
  }

  /**
   * {@link #refusal(String, String, boolean, String, boolean)} for a decision that may carry the approver's
   * provider subject (a second vote by the same subject under another name is a duplicate) and the roles the API
   * signed ({@link ApproverRoles}).
   */
  String refusal(Decision d, boolean countQueued) {
    String requestId = d.requestId();
    String approver = d.approver();
    String subject = d.approverSubject();
    boolean approve = d.approve();
    String signature = d.signature();
    if (approver == null || approver.isBlank()) {
      return "no approver given";
    }
    String who = approver.strip();
    List<Ballot> open = byId.values().stream().filter(Ballot::open).toList();
    if (requestId == null || requestId.isBlank()) {
      if (open.size() != 1) {
        return open.isEmpty() ? "no approval is pending"
            : open.size() + " approvals are pending (" + ids(open) + "); name one with requestId";
      }
    } else if (!byId.containsKey(requestId)) {
      return "unknown request '" + requestId + "'; " + (open.isEmpty() ? "no approval is pending" : "pending: " + ids(open));
    }
    Ballot ballot = resolve(requestId);
    if (!ballot.open()) {
      return "request " + ballot.id + " is already decided (" + ballot.status() + ")";
    }
    if (ballot.voters.contains(who) || (countQueued && queued(ballot.id, who, null))) {
      return who + " already voted on request " + ballot.id;
    }
    if (subject != null && (ballot.voterSubjects.contains(subject) || (countQueued && queued(ballot.id, null, subject)))) {
      return who + " already voted on request " + ballot.id + " as the same identity-provider subject under another"
          + " name";
    }
    // Rejecting is always safe, so only approving one's own run is refused.
    if (approve && requestedBy != null && requestedBy.equalsIgnoreCase(who)) {
      return who + " requested this run and may not approve it";
    }
    String roleRefusal = ApproverRoles.refusal(policy, who, d.approverRoles(), d.identitySource());
    if (roleRefusal != null) {
      return roleRefusal;
    }
    if (policy.signatureRequired() && (signature == null || signature.isBlank())) {
      return "this runbook requires signed decisions and the vote of " + who
          + " is unsigned; decide through the approvals page or the REST API";
    }
    return null;
  }

  private Ballot resolve(String requestId) {
    if (requestId == null || requestId.isBlank()) {
      return byId.values().stream().filter(Ballot::open).findFirst().orElseThrow();
    }
    return byId.get(requestId);
  }

  /** Whether a vote on {@code requestId} by this approver name, or by this subject, waits to be counted. */
  private boolean queued(String requestId, String approver, String subject) {
    return queue.stream().anyMatch(v -> v.requestId.equals(requestId)
        && (approver != null ? v.approver.equals(approver) : subject.equals(v.subject)));
  }

  private static String ids(List<Ballot> ballots) {
    return String.join(", ", ballots.stream().map(b -> b.id).toList());
  }
}
