package io.pgrunbooks.workflows.common;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An approval a run is waiting for, as the {@code progress} query shows it.
 *
 * @param action what will happen when approved, in words ("drop partition public.x_2025_01")
 * @param evidence facts the approver judges by (row counts, checksums, lag), by name
 * @param planDigest digest of the plan this request is bound to; signed decisions sign it
 * @param approvalsNeeded distinct approvers required
 * @param approvedBy approvers who already approved
 * @param roles an approver needs one of these roles
 * @param howToApprove the exact commands that approve (or a note on where to approve when decisions must be signed)
 */
public record PendingApproval(
    String requestId,
    String action,
    String target,
    Map<String, String> evidence,
    String planDigest,
    int approvalsNeeded,
    List<String> approvedBy,
    List<String> roles,
    Instant deadline,
    List<String> howToApprove) {}
