package io.pgrunbooks.workflows.restoredatabase;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Restores a {@code Backup} (pg_dump) into a new database on the primary and checks its row counts against the
 * manifest; with {@code swap}, after approval {@value RestoreDatabaseWorkflowImpl#STEP}, renames the live database
 * away and the restored one into its place while PgBouncer holds the database's clients.
 */
@WorkflowInterface
public interface RestoreDatabaseWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.RESTORE_DATABASE)
  RestoreDatabaseResult run(RestoreDatabaseInput input);
}
