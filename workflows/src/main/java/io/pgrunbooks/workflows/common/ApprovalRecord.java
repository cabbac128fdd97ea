package io.pgrunbooks.workflows.common;

import java.time.Instant;

/**
 * A decision recorded in a run's report: who decided what, when, with which comment.
 *
 * @param decision APPROVED, REJECTED, TIMED_OUT or PRE_APPROVED (the comment then names the config path)
 */
public record ApprovalRecord(String requestId, String action, String approver, Instant at, String decision, String comment) {}
