package io.pgrunbooks.workflows.common;

import io.temporal.workflow.QueryMethod;

/** Messages every runbook workflow accepts; each runbook's workflow interface extends this. */
public interface Runbook {
  /** Current state, steps so far and pending approvals. */
  @QueryMethod(name = "progress")
  Progress progress();
}
