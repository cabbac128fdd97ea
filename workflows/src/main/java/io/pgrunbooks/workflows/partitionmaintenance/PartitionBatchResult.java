package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.RunbookState;
import java.util.List;

/**
 * What one batch child of a large {@code PartitionMaintenance} run did, compact (counts, no partition lists): its
 * details are in its own report ({@code workflowId}).
 *
 * @param workflowId the child's id, {@code <parent id>/batch-<n>}
 * @param outcome COMPLETED, REJECTED or TIMED_OUT (its drop batch), FAILED (the child failed: {@code error})
 * @param error why the child failed, or null
 */
public record PartitionBatchResult(String workflowId, RunbookState outcome, String summary, List<TableSummary> tables,
                                   String error) {
  /**
   * One table of a batch.
   *
   * @param status OK, ATTENTION, FAILED as in {@link TableReport}
   * @param planned partitions the plan would create; {@code created} how many it did
   * @param expired expired partitions found; {@code retired} how many were dropped (or archived and dropped)
   * @param skipped what was not done, each with the reason
   */
  public record TableSummary(String table, String status, int planned, int created, int expired, int retired,
                             List<String> skipped) {}

  static PartitionBatchResult of(String workflowId, RunbookState outcome, String summary, List<TableWork> work) {
    return new PartitionBatchResult(workflowId, outcome, summary, work.stream().map(w -> new TableSummary(w.table(),
        w.report().status(), w.plan.create().size(), w.created.size(), w.plan.expired().size(), w.retired.size(),
        List.copyOf(w.skipped))).toList(), null);
  }

  /** A child that failed as a whole: every table of it FAILED with the reason. */
  static PartitionBatchResult failed(String workflowId, List<String> tables, String why) {
    return new PartitionBatchResult(workflowId, RunbookState.FAILED, why, tables.stream().map(t -> new TableSummary(t,
        "FAILED", 0, 0, 0, 0, List.of("batch " + workflowId + " failed: " + why))).toList(), why);
  }
}
