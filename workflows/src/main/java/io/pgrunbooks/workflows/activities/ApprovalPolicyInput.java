package io.pgrunbooks.workflows.activities;

/**
 * Input of {@link ApprovalActivities#approvalPolicy}: the runbook type and what it targets.
 *
 * @param database the run's database, null for cluster-wide runbooks; pre-approvals match it exactly
 */
public record ApprovalPolicyInput(String runbook, String cluster, String target, String database) {
  public ApprovalPolicyInput(String runbook, String cluster, String target) {
    this(runbook, cluster, target, null);
  }
}
