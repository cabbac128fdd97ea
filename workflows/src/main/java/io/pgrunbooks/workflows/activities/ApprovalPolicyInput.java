package io.pgrunbooks.workflows.activities;

/** Input of {@link ApprovalActivities#approvalPolicy}: the runbook type and what it targets. */
public record ApprovalPolicyInput(String runbook, String cluster, String target) {}
