package io.pgrunbooks.workflows.approval;

import java.util.List;

/**
 * What the {@code decide} update returns once the vote is counted.
 *
 * @param outcome PENDING (more approvals needed), APPROVED or REJECTED
 * @param message one line for the caller ("approved by alice; 1 more approval needed")
 */
public record DecisionResult(String requestId, String outcome, List<String> approvedBy, int approvalsNeeded,
                             String message) {}
