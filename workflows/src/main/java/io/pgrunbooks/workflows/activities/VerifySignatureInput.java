package io.pgrunbooks.workflows.activities;

/**
 * Input of {@link ApprovalActivities#verifySignature}: the decision exactly as signed.
 *
 * @param decision APPROVE or REJECT
 */
public record VerifySignatureInput(String workflowId, String requestId, String approver, String decision,
                                   String planDigest, String signature) {}
