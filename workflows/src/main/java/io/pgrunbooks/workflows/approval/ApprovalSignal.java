package io.pgrunbooks.workflows.approval;

/**
 * Payload of the {@code approve} and {@code reject} signals:
 * {@code {"requestId": "...", "approver": "alice", "comment": "..."}}.
 *
 * @param requestId may be omitted when exactly one approval is pending
 * @param approver self-declared on this path; Temporal's own authorization decides who may signal
 * @param signature HMAC of the decision by the REST API, required by runbooks configured for signed
 *     approvals (see {@link ApprovalSignatures}); null otherwise
 */
public record ApprovalSignal(String requestId, String approver, String comment, String signature) {}
