package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Logical backup of one database to the bucket (seed runbooks' nightly pg_dump): from a healthy
 * replica when preferred, in one exported snapshot with exact row counts, streamed into S3 with a
 * manifest beside it; then retention, whose deletions need approval unless pre-approved.
 */
@WorkflowInterface
public interface BackupWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.BACKUP)
  BackupResult run(BackupInput input);
}
