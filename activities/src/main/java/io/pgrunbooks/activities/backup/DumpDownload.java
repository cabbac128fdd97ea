package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.s3.MultipartUpload;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A logical dump fetched from the bucket into a temporary file (pg_restore --jobs needs a seekable file), its size
 * and SHA-256 checked against the manifest while it streams. The file is removed again when anything fails.
 */
final class DumpDownload {
  /** The downloaded file (the caller removes it), its size, SHA-256 and download time. */
  record Downloaded(Path file, long bytes, String sha256, double seconds) {}

  private DumpDownload() {}

  /**
   * Downloads {@code key} into a new temporary file named {@code prefix...}; a size or hash other than the
   * manifest's fails non-retryably (SafetyRefused). S3 errors, such as a missing key, reach the caller.
   */
  static Downloaded toTempFile(S3Client s3, String bucket, String key, String prefix, long expectedBytes,
                               String expectedSha256) throws IOException {
    Path file = Files.createTempFile(prefix, ".pgdump");
    try {
      long t0 = System.nanoTime();
      MessageDigest sha = MultipartUpload.sha256();
      long bytes = 0;
      try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toInputStream());
           OutputStream out = Files.newOutputStream(file)) {
        byte[] buf = new byte[1 << 20];
        long lastBeat = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
          sha.update(buf, 0, n);
          out.write(buf, 0, n);
          bytes += n;
          if (bytes - lastBeat >= 64L << 20) {
            Activity.getExecutionContext().heartbeat("downloaded " + bytes + " bytes");
            lastBeat = bytes;
          }
        }
      }
      String got = HexFormat.of().formatHex(sha.digest());
      if (!got.equals(expectedSha256) || bytes != expectedBytes) {
        throw ApplicationFailure.newNonRetryableFailure("checksum mismatch: s3 object " + key + " has " + bytes
            + " bytes with SHA-256 " + got + ", the manifest says " + expectedBytes + " bytes with " + expectedSha256
            + " (the object was changed or corrupted after the backup)", FailureTypes.SAFETY_REFUSED);
      }
      Downloaded done = new Downloaded(file, bytes, got, (System.nanoTime() - t0) / 1e9);
      file = null;
      return done;
    } finally {
      deleteQuietly(file);
    }
  }

  /** Removes a temporary dump file; null and an already removed file are fine. */
  static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover in the temp dir is harmless
    }
  }
}
