package io.pgrunbooks.workflows.replay;

import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.VerifySignatureInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The approval policy runbook workflow tests run under: the named approvers with the role {@code approver}, no
 * signatures; how many must approve, the deadline and the pre-approvals are settable.
 */
public final class FixedApprovals implements ApprovalActivities {
  public volatile int approvalsNeeded;
  public volatile long timeoutSeconds;
  public volatile List<PreApproval> preApprovals = List.of();
  /** What each run asked the policy for (runbook, cluster, target, database). */
  public final List<ApprovalPolicyInput> policyInputs = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, List<String>> approvers = new LinkedHashMap<>();

  /** One of alice and bob, within an hour. */
  public FixedApprovals() {
    this(1, 3600, "alice", "bob");
  }

  public FixedApprovals(int approvalsNeeded, long timeoutSeconds, String... approvers) {
    this.approvalsNeeded = approvalsNeeded;
    this.timeoutSeconds = timeoutSeconds;
    for (String name : approvers) {
      this.approvers.put(name, List.of("approver"));
    }
  }

  @Override
  public ApprovalPolicy approvalPolicy(ApprovalPolicyInput input) {
    policyInputs.add(input);
    return new ApprovalPolicy(Map.copyOf(approvers), List.of("approver"), approvalsNeeded, timeoutSeconds,
        preApprovals, false, "http://localhost:8233");
  }

  @Override
  public boolean verifySignature(VerifySignatureInput in) {
    return false;
  }
}
