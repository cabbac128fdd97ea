package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The monthly partition job of the seed runbooks as one run: validate every configured table against
 * the catalog, create missing partitions through premake ahead, verify coverage, collect stats and
 * retire expired partitions (through {@code ArchivePartition} children, or one approved drop batch). A run of more
 * than 50 tables runs one {@link PartitionBatchWorkflow} child per batch ({@code <id>/batch-<n>}), each with its own
 * drop approval, and holds only their compact summaries.
 */
@WorkflowInterface
public interface PartitionMaintenanceWorkflow extends Runbook {
  @WorkflowMethod(name = WorkflowTypes.PARTITION_MAINTENANCE)
  PartitionMaintenanceResult run(PartitionMaintenanceInput input);
}
