package io.pgrunbooks.workflows.approval;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Payload of the {@code decide} update: {@code {"requestId", "approver", "approve": true|false, "comment"}}.
 * Its validator refuses unknown or already-decided requests, a second vote by the same approver,
 * self-approval by the run's {@code requestedBy}, and approvers without an allowed role.
 *
 * @param signature see {@link ApprovalSignal#signature()}
 * @param approverSubject the identity provider's subject ({@code sub}) of an approver signed in through
 *     OpenID Connect, recorded beside the name; left out otherwise
 * @param approverDisplayName that approver's display name; left out otherwise
 */
public record Decision(String requestId, String approver, boolean approve, String comment, String signature,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String approverSubject,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String approverDisplayName) {
  /** A decision by an approver without a provider identity (Basic user, CLI). */
  public Decision(String requestId, String approver, boolean approve, String comment, String signature) {
    this(requestId, approver, approve, comment, signature, null, null);
  }
}
