package io.pgrunbooks.workflows.common;

import java.util.List;

/**
 * Answer of the {@code progress} query every runbook supports (DESIGN.md section 4).
 *
 * @param approvals decisions taken so far, in order (see {@link RunReport#approvals()})
 * @param log the run's log so far (see {@link RunReport#log()})
 */
public record Progress(
    RunbookState state, String currentStep, List<StepRecord> steps, List<PendingApproval> pendingApprovals,
    List<ApprovalRecord> approvals, List<String> log) {

  /** What a run shows before it has started recording. */
  public static Progress starting() {
    return new Progress(RunbookState.RUNNING, null, List.of(), List.of(), List.of(), List.of());
  }
}
