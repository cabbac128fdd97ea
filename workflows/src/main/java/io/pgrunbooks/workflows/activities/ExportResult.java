package io.pgrunbooks.workflows.activities;

/**
 * What was uploaded: the exact row count of the COPY (one snapshot with the data), sizes and
 * SHA-256 (hex) of the CSV before and after compression.
 *
 * @param abortedStaleUploads multipart uploads of earlier attempts on the same key that were aborted
 * @param s3ChecksumSha256 the store's checksum of the completed upload (composite of the part SHA-256s), or
 *     null when the store reports none; verification compares it with HEAD
 * @param reused true when a retry of the same run found this run's finished upload (the object is never
 *     written twice); sizes and hashes are then read back from the object or its manifest
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
    int abortedStaleUploads,
    String s3ChecksumSha256,
    boolean reused) {

  public String uri() {
    return "s3://" + bucket + "/" + dataKey;
  }
}
