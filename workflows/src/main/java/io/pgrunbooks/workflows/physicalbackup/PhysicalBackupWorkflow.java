package io.pgrunbooks.workflows.physicalbackup;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Physical backup of a cluster with pgBackRest: {@code pgbackrest backup} on the agent of the node that is
 * primary now (incremental by default, full when none exists), recorded with its label, type, size and WAL
 * range; then retention, whose {@code expire} needs approval when it would leave fewer full backups than the
 * minimum or delete a backup no restore drill has proven.
 */
@WorkflowInterface
public interface PhysicalBackupWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.PHYSICAL_BACKUP)
  PhysicalBackupResult run(PhysicalBackupInput input);
}
