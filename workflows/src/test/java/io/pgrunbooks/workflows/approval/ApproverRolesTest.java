package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whose roles count: the config's for a listed approver, the signed ones for others only when trusted. */
class ApproverRolesTest {
  private static final ApprovalPolicy TRUSTING = Fakes.identityPolicy(1, List.of("approver"));
  private static final ApprovalPolicy LISTED_ONLY = Fakes.policy(1, List.of(), true);

  @Test
  void unlistedApproverWithAnAllowedSignedRoleMayDecideWhenIdentityRolesAreTrusted() {
    assertThat(ApproverRoles.refusal(TRUSTING, "erin", List.of("viewer", "approver"))).isNull();
  }

  @Test
  void unlistedApproverWithoutTheRunbooksRoleIsRefusedWithItsRoles() {
    ApprovalPolicy dbaOnly = Fakes.identityPolicy(1, List.of("dba"));

    assertThat(ApproverRoles.refusal(dbaOnly, "erin", List.of("viewer", "approver")))
        .isEqualTo("erin has role(s) [approver, viewer] from the identity provider; deciding needs one of [dba]");
  }

  @Test
  void unlistedApproverWithoutSignedRolesIsToldWhereToDecide() {
    assertThat(ApproverRoles.refusal(TRUSTING, "erin", null)).isEqualTo("erin is not a configured approver and the"
        + " decision carries no roles signed by the API; decide through the approvals page or the REST API");
  }

  @Test
  void signedRolesCountForNobodyWhenIdentityRolesAreOff() {
    assertThat(ApproverRoles.refusal(LISTED_ONLY, "erin", List.of("approver"))).isEqualTo("erin is not a configured"
        + " approver (roles from the identity provider count only with approvals.identityRoles: true on a signed"
        + " runbook)");
    assertThat(ApproverRoles.refusal(LISTED_ONLY, "erin", null)).isEqualTo("erin is not a configured approver");
  }

  @Test
  void identityRolesAreNeverTrustedOnAnUnsignedRunbook() {
    ApprovalPolicy unsigned = new ApprovalPolicy(TRUSTING.approvers(), TRUSTING.allowedRoles(), 1, 3600, List.of(),
        false, null, null, true);

    assertThat(ApproverRoles.trustsIdentityRoles(unsigned)).isFalse();
    assertThat(ApproverRoles.refusal(unsigned, "erin", List.of("approver"))).startsWith("erin is not a configured");
  }

  @Test
  void theConfigsRolesWinForAListedApprover() {
    assertThat(ApproverRoles.refusal(TRUSTING, "victor", List.of("approver")))
        .isEqualTo("victor has role(s) [viewer]; deciding needs one of [approver]");
    assertThat(ApproverRoles.refusal(TRUSTING, "alice", List.of("viewer"))).isNull();
  }
}
