package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import java.util.List;

/**
 * What the run did to one table.
 *
 * @param status OK, ATTENTION (coverage findings or skipped work), FAILED
 * @param created partitions created ({@code schema.name})
 * @param stats every partition after the run: bounds, estimated rows ({@code reltuples}), table and index bytes
 * @param retired expired partitions dropped, or archived and dropped by {@code ArchivePartition}
 * @param skipped what was not done, each with the reason
 */
public record TableReport(String table, String status, List<String> created, Coverage coverage,
                          List<PartitionFacts> stats, List<String> retired, List<String> skipped) {}
