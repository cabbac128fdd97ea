package io.pgrunbooks.workflows.activities;

/**
 * What was uploaded: the exact row count of the COPY (one snapshot with the data), sizes and
 * SHA-256 (hex) of the CSV before and after compression.
 *
 * @param abortedStaleUploads multipart uploads of earlier attempts on the same key that were aborted
 */
public record ExportResult(
    String bucket,
    String dataKey,
    String manifestKey,
    String compression,
    long rows,
    long uncompressedBytes,
    long compressedBytes,
    String sha256Uncompressed,
    String sha256Compressed,
    int abortedStaleUploads) {

  public String uri() {
    return "s3://" + bucket + "/" + dataKey;
  }
}
