package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whose roles count: the config's for a listed approver, the signed ones for others only when trusted. */
class ApproverRolesTest {
  private static final ApprovalPolicy TRUSTING = Fakes.identityPolicy(1, List.of("approver"));
  private static final ApprovalPolicy LISTED_ONLY = Fakes.policy(1, List.of(), true);
  private static final String SSO = ApprovalSignatures.oidcSource("https://sso.example.com/realms/pgr");

  @Test
  void unlistedApproverWithAnAllowedSignedRoleMayDecideWhenIdentityRolesAreTrusted() {
    assertThat(ApproverRoles.refusal(TRUSTING, "erin", List.of("viewer", "approver"), SSO)).isNull();
  }

  @Test
  void unlistedApproverWithoutTheRunbooksRoleIsRefusedWithItsRoles() {
    ApprovalPolicy dbaOnly = Fakes.identityPolicy(1, List.of("dba"));

    assertThat(ApproverRoles.refusal(dbaOnly, "erin", List.of("viewer", "approver"), SSO))
        .isEqualTo("erin has role(s) [approver, viewer] from the identity provider; deciding needs one of [dba]");
  }

  @Test
  void unlistedApproverWithoutSignedRolesIsToldWhereToDecide() {
    assertThat(ApproverRoles.refusal(TRUSTING, "erin", null, null)).isEqualTo("erin is not a configured approver and the"
        + " decision carries no roles signed by the API; decide through the approvals page or the REST API");
  }

  @Test
  void signedRolesCountForNobodyWhenIdentityRolesAreOff() {
    assertThat(ApproverRoles.refusal(LISTED_ONLY, "erin", List.of("approver"), SSO)).isEqualTo("erin is not a configured"
        + " approver (roles from the identity provider count only with approvals.identityRoles: true on a signed"
        + " runbook)");
    assertThat(ApproverRoles.refusal(LISTED_ONLY, "erin", null, null)).isEqualTo("erin is not a configured approver");
  }

  @Test
  void identityRolesAreNeverTrustedOnAnUnsignedRunbook() {
    ApprovalPolicy unsigned = new ApprovalPolicy(TRUSTING.approvers(), TRUSTING.allowedRoles(), 1, 3600, List.of(),
        false, null, null, true);

    assertThat(ApproverRoles.trustsIdentityRoles(unsigned)).isFalse();
    assertThat(ApproverRoles.refusal(unsigned, "erin", List.of("approver"), SSO)).startsWith("erin is not a configured");
  }

  @Test
  void rolesOfABasicUserCountOnlyThroughTheConfigsApproverList() {
    assertThat(ApproverRoles.refusal(TRUSTING, "mallory", List.of("approver"), ApprovalSignatures.BASIC_SOURCE))
        .isEqualTo("mallory is not a configured approver, and only roles from the identity provider count for"
            + " approvers it does not list (these come from basic); add mallory to approvals.approvers");
  }

  @Test
  void theConfigsRolesWinForAListedApprover() {
    assertThat(ApproverRoles.refusal(TRUSTING, "victor", List.of("approver"), SSO))
        .isEqualTo("victor has role(s) [viewer]; deciding needs one of [approver]");
    assertThat(ApproverRoles.refusal(TRUSTING, "alice", List.of("viewer"), ApprovalSignatures.BASIC_SOURCE)).isNull();
  }
}
