package io.pgrunbooks.workflows.common;

import java.time.Instant;

/**
 * A decision recorded in a run's report: who decided what, when, with which comment.
 *
 * @param approver who decided: an approver's name, "config" for a pre-approval, null for a timeout or a
 *     superseded approval
 * @param decision APPROVED or REJECTED (one approver's vote), TIMED_OUT (no decision by the deadline),
 *     PRE_APPROVED (the comment names the config path) or SUPERSEDED (the plan changed after approval;
 *     the comment says what changed)
 */
public record ApprovalRecord(String requestId, String action, String approver, Instant at, String decision, String comment) {}
