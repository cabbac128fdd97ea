package io.pgrunbooks.workflows.activities;

import java.util.List;

/**
 * @param problems every mismatch found, in words; empty when the archive is good
 * @param rows data rows counted in the decompressed CSV (deep only, else -1)
 */
public record VerifyArchiveResult(boolean ok, boolean deep, long compressedBytes, String sha256Compressed,
                                  String sha256Uncompressed, long rows, List<String> problems) {
  public String describe() {
    return ok ? (deep ? "deep-verified: size, both SHA-256 and " + rows + " rows match"
        : "verified: size and SHA-256 match") : "MISMATCH: " + String.join("; ", problems);
  }
}
