package io.pgrunbooks.workflows.common;

/** Run states, mirrored in the {@code RunbookState} search attribute (DESIGN.md section 4). */
public enum RunbookState {
  RUNNING,
  AWAITING_APPROVAL,
  COMPLETED,
  REJECTED,
  TIMED_OUT,
  FAILED;

  public boolean isFinal() {
    return this != RUNNING && this != AWAITING_APPROVAL;
  }
}
