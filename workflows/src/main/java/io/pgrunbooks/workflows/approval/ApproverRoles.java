package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import java.util.List;

/**
 * Whose roles count for a vote. An approver listed in {@code approvals.approvers} is judged by the roles the
 * config gives it, whatever the decision carries: the config wins. An unlisted approver is judged by the roles
 * the API signed with the decision, but only when the policy trusts identity roles
 * ({@code approvals.identityRoles} on a signed runbook) and the roles came from the identity provider (source
 * {@code oidc <issuer>}; a Basic user's roles are the config's own, so such a user belongs in
 * {@code approvals.approvers}). The signature itself is checked later, by an activity, before the vote counts.
 * Pure: no workflow or I/O calls.
 */
final class ApproverRoles {
  private ApproverRoles() {}

  /**
   * Why {@code approver} may not decide under {@code policy}, or null when its roles allow it.
   *
   * @param signedRoles the roles the decision carries (null on the signal path and from older APIs)
   * @param source who vouched for them, as signed
   */
  static String refusal(ApprovalPolicy policy, String approver, List<String> signedRoles, String source) {
    List<String> listed = policy.approvers().get(approver);
    if (listed != null) {
      return listed.stream().anyMatch(policy.allowedRoles()::contains) ? null
          : approver + " has role(s) " + listed + "; deciding needs one of " + policy.allowedRoles();
    }
    boolean hasRoles = signedRoles != null && !signedRoles.isEmpty();
    if (!trustsIdentityRoles(policy)) {
      return approver + " is not a configured approver" + (hasRoles
          ? " (roles from the identity provider count only with approvals.identityRoles: true on a signed runbook)"
          : "");
    }
    if (!hasRoles) {
      return approver + " is not a configured approver and the decision carries no roles signed by the API;"
          + " decide through the approvals page or the REST API";
    }
    if (source == null || !source.startsWith(ApprovalSignatures.OIDC_SOURCE_PREFIX)) {
      return approver + " is not a configured approver, and only roles from the identity provider count for"
          + " approvers it does not list (these come from " + (source == null ? "nowhere" : source)
          + "); add " + approver + " to approvals.approvers";
    }
    if (signedRoles.stream().noneMatch(policy.allowedRoles()::contains)) {
      return approver + " has role(s) " + signedRoles.stream().sorted().toList()
          + " from the identity provider; deciding needs one of " + policy.allowedRoles();
    }
    return null;
  }

  /** Identity roles are trusted only where every decision's signature is checked. */
  static boolean trustsIdentityRoles(ApprovalPolicy policy) {
    return policy.identityRoles() && policy.signatureRequired();
  }
}
