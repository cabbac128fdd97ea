package io.pgrunbooks.workflows.approval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Payload of the {@code decide} update: {@code {"requestId", "approver", "approve": true|false, "comment"}}.
 * Its validator refuses unknown or already-decided requests, a second vote by the same approver,
 * self-approval by the run's {@code requestedBy}, and approvers without an allowed role.
 *
 * @param signature see {@link ApprovalSignal#signature()}
 * @param approverSubject the identity provider's subject ({@code sub}) of an approver signed in through
 *     OpenID Connect, recorded beside the name; left out otherwise
 * @param approverDisplayName that approver's display name; left out otherwise
 * @param approverRoles the roles the API granted the approver (from the config's users or the provider's groups),
 *     signed with the decision in the v3 format ({@link ApprovalSignatures#signWithRoles}); left out by the CLI and
 *     by older APIs, whose decisions keep the v2 signature
 * @param identitySource who vouched for those roles, as signed: {@code oidc <issuer>} or {@code basic}; left out
 *     without roles
 */
public record Decision(String requestId, String approver, boolean approve, String comment, String signature,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String approverSubject,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String approverDisplayName,
                       @JsonInclude(JsonInclude.Include.NON_NULL) List<String> approverRoles,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String identitySource) {
  /** A decision by an approver without a provider identity (Basic user, CLI). */
  public Decision(String requestId, String approver, boolean approve, String comment, String signature) {
    this(requestId, approver, approve, comment, signature, null, null);
  }

  /** A decision without signed roles (v2 signature). */
  public Decision(String requestId, String approver, boolean approve, String comment, String signature,
                  String approverSubject, String approverDisplayName) {
    this(requestId, approver, approve, comment, signature, approverSubject, approverDisplayName, null, null);
  }
}
