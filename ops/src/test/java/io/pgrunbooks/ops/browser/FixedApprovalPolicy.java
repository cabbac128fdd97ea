package io.pgrunbooks.ops.browser;

import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.VerifySignatureInput;
import java.util.List;
import java.util.Map;

/** The approval activities a browser-test worker needs: alice approves, one approval, no webhook. */
public class FixedApprovalPolicy implements ApprovalActivities, NotifyActivities {
  private final String uiUrl;

  public FixedApprovalPolicy(String uiUrl) {
    this.uiUrl = uiUrl;
  }

  @Override
  public ApprovalPolicy approvalPolicy(ApprovalPolicyInput input) {
    return new ApprovalPolicy(Map.of("alice", List.of("approver")), List.of("approver"), 1, 3600, List.of(), false,
        uiUrl);
  }

  @Override
  public boolean verifySignature(VerifySignatureInput input) {
    return false;
  }

  @Override
  public void notify(Notification notification) {
    // no webhook in this test
  }
}
