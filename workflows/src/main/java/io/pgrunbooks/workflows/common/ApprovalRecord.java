package io.pgrunbooks.workflows.common;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param approverSubject for an approver signed in through OpenID Connect, the provider's subject ({@code sub});
 *     absent otherwise (the field is left out of the JSON, so readers of older reports see no change)
 * @param approverDisplayName that approver's display name; absent otherwise
 */
public record ApprovalRecord(String requestId, String action, String approver, Instant at, String decision, String comment,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String approverSubject,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String approverDisplayName) {
  /** A record without a provider identity (Basic user, CLI, signal, timeout, config). */
  public ApprovalRecord(String requestId, String action, String approver, Instant at, String decision, String comment) {
    this(requestId, action, approver, at, decision, comment, null, null);
  }
}
