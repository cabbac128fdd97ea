package io.pgrunbooks.workflows.common;

import java.util.List;

/** Answer of the {@code progress} query every runbook supports (DESIGN.md section 4). */
public record Progress(
    RunbookState state, String currentStep, List<StepRecord> steps, List<PendingApproval> pendingApprovals) {}
