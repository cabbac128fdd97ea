package io.pgrunbooks.workflows.restorepartition;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Bring an archived partition back (seed runbook RB-19): read its manifest, create the table from
 * the manifest's columns, stream the archive into it while re-hashing, commit only when hashes and
 * row count match, then optionally attach it to the parent with its original bounds.
 */
@WorkflowInterface
public interface RestorePartitionWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.RESTORE_PARTITION)
  RestorePartitionResult run(RestorePartitionInput input);
}
