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
    return enqueue(requestId, approver, approve, comment, signature, null, null, via);
  }

  /** A vote with the approver's provider identity (subject, display name), recorded beside the name. */
  Vote enqueue(String requestId, String approver, boolean approve, String comment, String signature, String subject,
               String displayName, String via) {
    Vote vote = new Vote(resolve(requestId).id, approver.strip(), approve, comment, signature, subject, displayName,
        via);
    queue.add(vote);
    return vote;
  }

  /**
   * Why this vote may not count, or null when it may. {@code countQueued}: votes accepted but not yet
   * counted also make a second vote by the same approver a duplicate (true in handlers; false when
   * the queued vote itself is being counted).
   */
  String refusal(String requestId, String approver, boolean approve, String signature, boolean countQueued) {
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
    if (ballot.voters.contains(who) || (countQueued && queued(ballot.id, who))) {
      return who + " already voted on request " + ballot.id;
    }
    // Rejecting is always safe, so only approving one's own run is refused.
    if (approve && requestedBy != null && requestedBy.equalsIgnoreCase(who)) {
      return who + " requested this run and may not approve it";
    }
    List<String> roles = policy.approvers().get(who);
    if (roles == null) {
      return who + " is not a configured approver";
    }
    if (roles.stream().noneMatch(policy.allowedRoles()::contains)) {
      return who + " has role(s) " + roles + "; deciding needs one of " + policy.allowedRoles();
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

  private boolean queued(String requestId, String approver) {
    return queue.stream().anyMatch(v -> v.requestId.equals(requestId) && v.approver.equals(approver));
  }

  private static String ids(List<Ballot> ballots) {
    return String.join(", ", ballots.stream().map(b -> b.id).toList());
  }
}
