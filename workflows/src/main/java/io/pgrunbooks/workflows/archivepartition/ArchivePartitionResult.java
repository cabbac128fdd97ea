package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.common.RunReport;

/**
 * Result of {@code ArchivePartition}.
 *
 * @param archiveUri the data object ({@code s3://bucket/key}); null when nothing was uploaded
 * @param manifestKey key of {@code manifest.json}, the input of {@code RestorePartition}; null when none was written
 * @param rows rows archived (-1 when nothing was exported)
 * @param dropped whether the partition was dropped
 * @param reattached whether the partition was attached again (drop=false, rejection, timeout, failure)
 */
public record ArchivePartitionResult(RunReport report, String archiveUri, String manifestKey, long rows,
                                     boolean dropped, boolean reattached) {}
