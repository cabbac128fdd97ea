package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.common.RunbookState;
import java.util.List;

/**
 * How an approval request ended.
 *
 * @param approvedBy distinct approvers who approved, in order
 * @param decidedBy who rejected, or whose approval completed the count; null for pre-approval and timeout
 * @param comment the deciding comment; for a pre-approval "pre-approved by config &lt;path&gt;"; for a timeout why
 * @param planDigest digest of the plan this outcome is about: act only on a plan with this digest
 */
public record ApprovalOutcome(String requestId, String step, Status status, List<String> approvedBy, String decidedBy,
                              String comment, String planDigest) {

  /**
   * PRE_APPROVED, APPROVED and DELEGATED (approved on the parent run, see {@link DelegatedApproval}) let the step
   * run; REJECTED and TIMED_OUT end it.
   */
  public enum Status { PRE_APPROVED, APPROVED, REJECTED, TIMED_OUT, DELEGATED }

  public boolean approved() {
    return status == Status.APPROVED || status == Status.PRE_APPROVED || status == Status.DELEGATED;
  }

  /** The run state a refused step ends the run with: REJECTED or TIMED_OUT. */
  public RunbookState endState() {
    return switch (status) {
      case REJECTED -> RunbookState.REJECTED;
      case TIMED_OUT -> RunbookState.TIMED_OUT;
      default -> throw new IllegalStateException(requestId + " was approved; the run goes on");
    };
  }

  /** One line for the report: "approved by alice, bob", "rejected by bob: not today". */
  public String describe() {
    return switch (status) {
      case PRE_APPROVED, DELEGATED -> comment;
      case APPROVED -> "approved by " + String.join(", ", approvedBy);
      case REJECTED -> "rejected by " + decidedBy + (comment == null || comment.isBlank() ? "" : ": " + comment);
      case TIMED_OUT -> "timed out: " + comment;
    };
  }
}
