package io.pgrunbooks.workflows.activities;

/**
 * Input of {@link ApprovalActivities#verifySignature}: the decision exactly as signed.
 *
 * @param runId the run the vote arrived in; a signature for another run of the same workflow id fails
 * @param decision APPROVE or REJECT
 */
public record VerifySignatureInput(String workflowId, String runId, String requestId, String approver,
                                   String decision, String planDigest, String signature) {}
