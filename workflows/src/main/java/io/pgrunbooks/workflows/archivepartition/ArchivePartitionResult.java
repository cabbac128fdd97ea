package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.common.RunReport;
import java.time.Instant;

/**
 * Result of {@code ArchivePartition}.
 *
 * @param archiveUri the data object ({@code s3://bucket/key}); null when nothing was uploaded
 * @param manifestKey key of {@code manifest.json}, the input of {@code RestorePartition}; null when none was written
 * @param rows rows archived (-1 when nothing was exported)
 * @param dropped whether the partition was dropped
 * @param reattached whether the partition was attached again (drop=false, rejection, timeout, failure)
 * @param csvBytes bytes of the canonical CSV (-1 when nothing was exported; absent in results of older runs)
 * @param objectBytes bytes of the compressed object
 * @param sha256Csv SHA-256 of the canonical CSV, the hash the drop proved the table against
 * @param archivedAt when the manifest was written; null when none was
 */
public record ArchivePartitionResult(RunReport report, String archiveUri, String manifestKey, long rows,
                                     boolean dropped, boolean reattached, long csvBytes, long objectBytes,
                                     String sha256Csv, Instant archivedAt) {

  public ArchivePartitionResult(RunReport report, String archiveUri, String manifestKey, long rows, boolean dropped,
                                boolean reattached) {
    this(report, archiveUri, manifestKey, rows, dropped, reattached, -1, -1, null, null);
  }
}
