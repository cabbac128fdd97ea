package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One batch of a large {@code PartitionMaintenance} run, started by it as a child: {@code <parent id>/batch-<n>}
 * validates, plans and creates the partitions of its tables (at most {@link TableBatches#MAX_TABLES_PER_ACTIVITY})
 * and counts the expired ones for the parent's one approval ({@code evidenceOnly}); {@code <parent id>/retire-<n>}
 * plans again and retires them on the parent's approval, carried as a delegated approval (asking its own when its
 * fresh evidence left the approved scope). Runs before {@link BatchChildren#ONE_APPROVAL} had one round, each child
 * asking its own approval. Answers only a compact {@link PartitionBatchResult}: the details stay in this run's history
 * and report, so the parent's history stays flat in the table count. Not a runbook of its own: started only by its
 * parent.
 */
@WorkflowInterface
public interface PartitionBatchWorkflow extends Runbook {
  /** Registered type name. */
  String TYPE = "PartitionMaintenanceBatch";
  /**
   * What follows the parent's id in a child's id ({@code <parent id>/batch-<n>}, n from 1): deterministic, so a
   * parent that replays or is retried finds its children.
   */
  String ID_INFIX = "/batch-";

  /** @param input the parent's input with {@code tables} set to this batch's tables */
  @WorkflowMethod(name = TYPE)
  PartitionBatchResult run(PartitionMaintenanceInput input);
}
