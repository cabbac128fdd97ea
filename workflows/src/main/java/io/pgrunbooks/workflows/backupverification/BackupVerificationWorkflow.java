package io.pgrunbooks.workflows.backupverification;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Proves a backup restores (seed runbooks' test restore): downloads it with its SHA-256 checked,
 * restores it into a scratch database on the separate verification instance, compares every table's
 * row count with the manifest, runs pg_amcheck, records the outcome beside the manifest, and drops the
 * scratch database in every outcome.
 */
@WorkflowInterface
public interface BackupVerificationWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.BACKUP_VERIFICATION)
  BackupVerificationResult run(BackupVerificationInput input);
}
