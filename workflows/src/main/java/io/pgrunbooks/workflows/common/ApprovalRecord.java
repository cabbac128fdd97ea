package io.pgrunbooks.workflows.common;

import java.time.Instant;

/**
 * A decision recorded in a run's report: who decided what, when, with which comment.
 *
 * @param approver who decided: an approver's name, "config" for a pre-approval, null for a timeout or a
 *     superseded approval; for DELEGATED one of the parent run's approvers
 * @param decision APPROVED or REJECTED (one approver's vote), TIMED_OUT (no decision by the deadline),
 *     PRE_APPROVED (the comment names the config path) or SUPERSEDED (the plan changed after approval;
 *     the comment says what changed), DELEGATED (a parent run's approval
 *     covered this child's step: the comment names the parent run and request) or DELEGATION_REFUSED (a delegated
 *     approval in the input did not count; the comment says why, and the run asked its own approval)
 */
public record ApprovalRecord(String requestId, String action, String approver, Instant at, String decision, String comment) {}
