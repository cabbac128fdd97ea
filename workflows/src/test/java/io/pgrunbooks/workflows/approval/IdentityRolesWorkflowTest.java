package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code approvals.identityRoles}: approvers the config does not list decide with the roles the API signed with
 * the decision (v3 signature); forged or insufficient roles are refused with a sentence.
 */
class IdentityRolesWorkflowTest extends GateTestSupport {
  static final String SOURCE = ApprovalSignatures.oidcSource("https://sso.example.com/realms/pgr");

  /** A decision as the API sends it for an SSO user: roles and source signed with the decision. */
  static Decision ssoDecision(GatedTestWorkflow wf, String who, String subject, List<String> roles) {
    String digest = wf.progress().pendingApprovals().get(0).planDigest();
    String signature = ApprovalSignatures.signWithRoles(Fakes.KEY, WORKFLOW_ID, ApprovalVotesWorkflowTest.runId(wf),
        FIRST, who, ApprovalSignatures.APPROVE, digest, SOURCE, roles);
    return new Decision(FIRST, who, true, "checked by " + who, signature, subject, who + " Example", roles, SOURCE);
  }

  @Test
  void unlistedApproverWithSignedRolesIsAccepted() {
    approvals.policy = Fakes.identityPolicy(1, List.of("approver"));
    GatedTestWorkflow wf = startAndAwaitApproval();

    DecisionResult result = wf.decide(ssoDecision(wf, "erin", "sub-erin", List.of("viewer", "approver")));

    assertThat(result.outcome()).isEqualTo("APPROVED");
    RunReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.approvals()).extracting(ApprovalRecord::approver, ApprovalRecord::approverSubject,
        ApprovalRecord::decision).containsExactly(tuple("erin", "sub-erin", "APPROVED"));
    assertThat(approvals.verified).singleElement().satisfies(v -> {
      assertThat(v.approverRoles()).containsExactly("viewer", "approver");
      assertThat(v.identitySource()).isEqualTo(SOURCE);
    });
  }

  @Test
  void forgedRolesAreRefusedWithASentence() {
    approvals.policy = Fakes.identityPolicy(1, List.of("approver"));
    GatedTestWorkflow wf = startAndAwaitApproval();
    Decision signedAsViewer = ssoDecision(wf, "erin", "sub-erin", List.of("viewer"));
    Decision claimsApprover = new Decision(FIRST, "erin", true, null, signedAsViewer.signature(), "sub-erin", "Erin",
        List.of("viewer", "approver"), SOURCE);

    Throwable refused = catchThrowable(() -> wf.decide(claimsApprover));

    assertThat(refusal(refused)).isEqualTo("the signature on the APPROVE by erin with role(s) [approver, viewer] is"
        + " not valid for request " + FIRST + " of this run and its plan");
    assertThat(wf.progress().pendingApprovals()).extracting(p -> p.requestId()).containsExactly(FIRST);
  }

  @Test
  void signedRolesWithoutTheRunbooksRoleAreRefused() {
    approvals.policy = Fakes.identityPolicy(1, List.of("dba"));
    GatedTestWorkflow wf = startAndAwaitApproval();

    Throwable refused = catchThrowable(() -> wf.decide(ssoDecision(wf, "erin", "sub-erin", List.of("approver"))));

    assertThat(refusal(refused))
        .isEqualTo("erin has role(s) [approver] from the identity provider; deciding needs one of [dba]");
    assertThat(approvals.verified).isEmpty();
  }

  @Test
  void signedRolesOfAnUnlistedApproverCountForNothingWithoutIdentityRoles() {
    approvals.policy = Fakes.policy(1, List.of(), true);
    GatedTestWorkflow wf = startAndAwaitApproval();

    Throwable refused = catchThrowable(() -> wf.decide(ssoDecision(wf, "erin", "sub-erin", List.of("approver"))));

    assertThat(refusal(refused)).startsWith("erin is not a configured approver (roles from the identity provider");
  }

  @Test
  void twoPersonRuleNeedsTwoDistinctSsoUsersEvenWhenTheConfigListsTooFew() {
    // Only alice is listed: without identity roles a two-person request would be refused at once.
    approvals.policy = Fakes.identityPolicy(2, List.of("approver"));
    GatedTestWorkflow wf = startAndAwaitApproval();

    DecisionResult first = wf.decide(ssoDecision(wf, "erin", "sub-erin", List.of("approver")));
    Throwable sameName = catchThrowable(() -> wf.decide(ssoDecision(wf, "erin", "sub-erin", List.of("approver"))));
    Throwable samePerson = catchThrowable(() -> wf.decide(ssoDecision(wf, "erin2", "sub-erin", List.of("approver"))));
    DecisionResult second = wf.decide(ssoDecision(wf, "frank", "sub-frank", List.of("approver")));

    assertThat(first.outcome()).isEqualTo("PENDING");
    assertThat(refusal(sameName)).isEqualTo("erin already voted on request " + FIRST);
    assertThat(refusal(samePerson)).isEqualTo("erin2 already voted on request " + FIRST
        + " as the same identity-provider subject under another name");
    assertThat(second.outcome()).isEqualTo("APPROVED");
    assertThat(second.approvedBy()).containsExactly("erin", "frank");
    assertThat(result(wf).outcome()).isEqualTo(RunbookState.COMPLETED);
  }
}
