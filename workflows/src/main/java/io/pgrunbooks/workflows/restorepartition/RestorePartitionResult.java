package io.pgrunbooks.workflows.restorepartition;

import io.pgrunbooks.workflows.common.RunReport;

/** Result of {@code RestorePartition}: the table created, rows loaded, whether it was attached. */
public record RestorePartitionResult(RunReport report, String table, long rows, boolean attached) {}
