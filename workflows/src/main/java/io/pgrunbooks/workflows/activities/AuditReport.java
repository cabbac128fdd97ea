package io.pgrunbooks.workflows.activities;

import io.pgrunbooks.workflows.common.RunReport;

/**
 * What a finished run leaves in the bucket (the audit trail that outlives Temporal's retention):
 * which run it was, the input it was started with and its report (steps, approvals with approvers
 * and comments, changes). Inputs name targets only (DESIGN.md section 1); the writer still drops
 * any field whose name looks like a secret ({@link ReportLayout#redact}).
 *
 * @param workflowId the run's workflow id
 * @param runId the run's run id: with the finish time it makes the object's key, so a retried write
 *     of the same run lands on the same key
 * @param input the workflow input as started (a runbook's input record)
 * @param report the report the run returned
 */
public record AuditReport(String workflowId, String runId, Object input, RunReport report) {}
