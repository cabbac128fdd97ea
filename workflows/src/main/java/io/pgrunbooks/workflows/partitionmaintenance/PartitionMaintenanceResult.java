package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code PartitionMaintenance}: the run report and one {@link TableReport} per table; a run of more tables
 * than one activity takes (over 50) answers {@code tables} empty and one compact {@link PartitionBatchResult} per
 * batch child instead (each child's own report has its tables' details).
 */
public record PartitionMaintenanceResult(RunReport report, List<TableReport> tables, List<PartitionBatchResult> batches) {
  public PartitionMaintenanceResult {
    batches = batches == null ? List.of() : batches;
  }

  public PartitionMaintenanceResult(RunReport report, List<TableReport> tables) {
    this(report, tables, List.of());
  }
}
