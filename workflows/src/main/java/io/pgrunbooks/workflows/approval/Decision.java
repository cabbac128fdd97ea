package io.pgrunbooks.workflows.approval;

/**
 * Payload of the {@code decide} update: {@code {"requestId", "approver", "approve": true|false, "comment"}}.
 * Its validator refuses unknown or already-decided requests, a second vote by the same approver,
 * self-approval by the run's {@code requestedBy}, and approvers without an allowed role.
 *
 * @param signature see {@link ApprovalSignal#signature()}
 */
public record Decision(String requestId, String approver, boolean approve, String comment, String signature) {}
