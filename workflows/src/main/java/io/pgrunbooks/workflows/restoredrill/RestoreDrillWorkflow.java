package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The proof that physical backups restore: writes sentinel rows around a target time on the primary, restores the
 * newest backup that covers the target plus WAL into a scratch instance on the primary's host, checks that recovery
 * stopped at the target (the sentinel before it present, the one after it absent), compares row counts of tables
 * not written since, runs amcheck, removes the scratch instance and reports RTO and RPO. A restored and checked backup
 * is annotated as proven ({@code pg-runbooks-drill}, read by PhysicalBackup's expire) and every drill appends a record
 * to the cluster's drill history in the bucket ({@link DrillHistory}). Read-only for the cluster's data apart from the
 * sentinel rows.
 */
@WorkflowInterface
public interface RestoreDrillWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.RESTORE_DRILL)
  RestoreDrillResult run(RestoreDrillInput input);
}
