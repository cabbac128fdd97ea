package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.s3.MultipartUpload;
import io.pgrunbooks.config.BackupConfig;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A logical dump fetched from the bucket, its size and SHA-256 checked against the manifest while it streams:
 * into a temporary file (pg_restore --jobs needs a seekable file; the disk's headroom is checked first and the file
 * is removed again when anything fails), or straight into a one-job pg_restore's standard input.
 */
final class DumpDownload {
  /** The downloaded file (the caller removes it; null when streamed), its size, SHA-256 and download time. */
  record Downloaded(Path file, long bytes, String sha256, double seconds) {}

  private static final long MIN_RESERVE = 256L << 20;

  private DumpDownload() {}

  /** Bytes that must stay free beside a dump of {@code dumpBytes} written to disk: 10% of it, at least 256 MiB. */
  static long reserve(long dumpBytes) {
    return Math.max(MIN_RESERVE, dumpBytes / 10);
  }

  /** Whether a dump of {@code dumpBytes} fits on a disk with {@code usableBytes} free and leaves the reserve. */
  static boolean fits(long dumpBytes, long usableBytes) {
    return usableBytes - dumpBytes >= reserve(dumpBytes);
  }

  /** Where dumps are downloaded: {@code backup.tempDir}, else the JVM's temporary directory. */
  static Path tempDir(BackupConfig backup) {
    return Path.of(backup.tempDir() != null ? backup.tempDir() : System.getProperty("java.io.tmpdir"));
  }

  /** Free bytes for a new file in {@code dir} (created when missing). */
  static long usable(Path dir) throws IOException {
    Files.createDirectories(dir);
    return Files.getFileStore(dir).getUsableSpace();
  }

  /**
   * Downloads {@code key} into a new temporary file named {@code prefix...} in {@code dir}; refuses (SafetyRefused)
   * before writing anything when the disk has no room for it plus the reserve; a size or hash other than the
   * manifest's fails non-retryably (SafetyRefused). S3 errors, such as a missing key, reach the caller.
   */
  static Downloaded toTempFile(S3Client s3, String bucket, String key, Path dir, String prefix, long expectedBytes,
                               String expectedSha256) throws IOException {
    long free = usable(dir);
    if (!fits(expectedBytes, free)) {
      throw ApplicationFailure.newNonRetryableFailure("no room for the dump in " + dir + ": it is " + expectedBytes
          + " bytes, " + free + " bytes are free and " + reserve(expectedBytes) + " must stay free; free space there, "
          + "set backup.tempDir to a bigger disk, or (BackupVerification) set backup.restoreJobs: 1 to stream the dump "
          + "into pg_restore without a file", FailureTypes.SAFETY_REFUSED);
    }
    Path file = Files.createTempFile(dir, prefix, ".pgdump");
    try {
      Downloaded done;
      try (OutputStream out = Files.newOutputStream(file)) {
        done = copy(s3, bucket, key, out, expectedBytes, expectedSha256,
            bytes -> Activity.getExecutionContext().heartbeat("downloaded " + bytes + " bytes"));
      }
      done = new Downloaded(file, done.bytes(), done.sha256(), done.seconds());
      file = null;
      return done;
    } finally {
      deleteQuietly(file);
    }
  }

  /**
   * Streams {@code key} into {@code sink} (a child's standard input), then closes it. When the sink stops taking
   * bytes (the child ended) the rest is still read and hashed, so a changed object is reported as such rather than
   * as whatever the child said about it. Runs on a thread of its own: no heartbeats here.
   */
  static Downloaded stream(S3Client s3, String bucket, String key, OutputStream sink, long expectedBytes,
                           String expectedSha256) throws IOException {
    try (OutputStream out = new ForgivingSink(sink)) {
      return copy(s3, bucket, key, out, expectedBytes, expectedSha256, bytes -> { });
    }
  }

  private static Downloaded copy(S3Client s3, String bucket, String key, OutputStream out, long expectedBytes,
                                 String expectedSha256, LongConsumer progress) throws IOException {
    long t0 = System.nanoTime();
    MessageDigest sha = MultipartUpload.sha256();
    long bytes = 0;
    try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toInputStream())) {
      byte[] buf = new byte[1 << 20];
      long lastBeat = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("stopped reading " + key + " after " + bytes + " bytes");
        }
        sha.update(buf, 0, n);
        out.write(buf, 0, n);
        bytes += n;
        if (bytes - lastBeat >= 64L << 20) {
          progress.accept(bytes);
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
    return new Downloaded(null, bytes, got, (System.nanoTime() - t0) / 1e9);
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

  /** Passes bytes on until the receiver stops taking them (a closed pipe), then drops the rest silently. */
  private static final class ForgivingSink extends OutputStream {
    private final OutputStream out;
    private boolean broken;

    ForgivingSink(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (broken) {
        return;
      }
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        broken = true;
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException ignored) {
        // the receiver already ended
      }
    }
  }
}
