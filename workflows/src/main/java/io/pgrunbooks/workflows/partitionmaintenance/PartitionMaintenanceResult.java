package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/** Result of {@code PartitionMaintenance}: the run report and one {@link TableReport} per table. */
public record PartitionMaintenanceResult(RunReport report, List<TableReport> tables) {}
