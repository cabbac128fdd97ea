package io.pgrunbooks.workflows.approval;

import java.util.List;

/**
 * A vote accepted by a message handler and waiting to be counted by the gate's wait loop, which can
 * run the signature-check activity that handlers cannot. The {@code decide} update waits on it.
 */
final class Vote {
  final String requestId;
  final String approver;
  final boolean approve;
  final String comment;
  final String signature;
  /** The provider identity of an approver signed in through OpenID Connect; null otherwise. */
  final String subject;
  final String displayName;
  /** The roles the API signed with the decision, and who vouched for them; null without (v2 signature). */
  final List<String> roles;
  final String identitySource;
  /** "signal approve", "signal reject" or "update decide": how the vote came, for the run log. */
  final String via;
  DecisionResult result;
  String refusal;

  Vote(String requestId, String approver, boolean approve, String comment, String signature, String subject,
       String displayName, List<String> roles, String identitySource, String via) {
    this.requestId = requestId;
    this.approver = approver;
    this.approve = approve;
    this.comment = comment;
    this.signature = signature;
    this.subject = subject;
    this.displayName = displayName;
    this.roles = roles == null ? null : List.copyOf(roles);
    this.identitySource = identitySource;
    this.via = via;
  }

  /** This vote as the decision it came from (a signal's without identity). */
  Decision asDecision() {
    return new Decision(requestId, approver, approve, comment, signature, subject, displayName, roles, identitySource);
  }

  boolean done() {
    return result != null || refusal != null;
  }
}
