package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Archive one expired partition to S3, verify it, and drop it after approval (seed runbook
 * "archive old partitions"): preflight from the catalog, detach, COPY streamed into a multipart
 * upload, verify, approval, counted drop. Every path that does not drop re-attaches the partition.
 */
@WorkflowInterface
public interface ArchivePartitionWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.ARCHIVE_PARTITION)
  ArchivePartitionResult run(ArchivePartitionInput input);
}
