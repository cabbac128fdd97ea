package io.pgrunbooks.workflows.common;

/** Run states, mirrored in the {@code RunbookState} search attribute (DESIGN.md section 4). */
public enum RunbookState {
  RUNNING,
  AWAITING_APPROVAL,
  COMPLETED,
  REJECTED,
  TIMED_OUT,
  FAILED,
  /** A scheduled run that did nothing on purpose (a FailoverDrill not approved before its window). */
  SKIPPED;

  public boolean isFinal() {
    return this != RUNNING && this != AWAITING_APPROVAL;
  }
}
