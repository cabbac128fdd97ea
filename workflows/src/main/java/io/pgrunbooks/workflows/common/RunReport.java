package io.pgrunbooks.workflows.common;

import java.time.Instant;
import java.util.List;

/**
 * The report every run returns (DESIGN.md section 4). It never holds a secret.
 *
 * @param outcome final state of the run
 * @param summary one line for people: what the run found or did
 * @param changes what the run changed, one entry per change; empty for read-only and dry runs
 * @param plan for a dry run, the exact statements or commands it would run, in order
 * @param log what the run ignored or could not do without failing: refused votes ("ignored signal: ..."),
 *     notifications that could not be sent, approvals a changed plan superseded
 */
public record RunReport(
    String runbook,
    String cluster,
    String target,
    boolean dryRun,
    RunbookState outcome,
    String summary,
    List<StepRecord> steps,
    List<ApprovalRecord> approvals,
    List<String> changes,
    List<String> plan,
    List<String> log,
    Instant startedAt,
    Instant finishedAt,
    long durationMillis) {}
