package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.s3.Compression;
import io.pgrunbooks.activities.s3.DigestStreams;
import io.pgrunbooks.activities.s3.PipelinedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;

/**
 * The archive's data: the canonical CSV of a table ({@link ContentHash}) read with PgJDBC's CopyManager, its
 * SHA-256 taken, compressed, and the SHA-256 of the compressed bytes taken on their way to {@code object}. Two
 * threads: the caller's only reads the COPY and copies it into 1 MiB chunks; "archive-compress" hashes,
 * compresses and writes to {@code object}, up to 8 MiB behind (bench/archive/README.md: with both on one
 * thread, PostgreSQL waited for every chunk's compression). The hashes are of exactly the bytes that reached
 * the compressor and {@code object}; the row count is the COPY's own.
 */
public final class CsvExport {
  static final int CHUNK = 1 << 20;
  static final int CHUNKS = 8;

  private CsvExport() {}

  /** What was written: rows, CSV bytes and SHA-256 (hex), compressed bytes and SHA-256. */
  public record Written(long rows, long csvBytes, String csvSha256, long objectBytes, String objectSha256) {}

  /**
   * COPYs {@code quotedTable} in the caller's transaction (snapshot, lock and {@link ContentHash#canonicalSettings}
   * already set) into {@code object}, which is closed at the end.
   *
   * @param progress CSV bytes read so far, called on the caller's thread about every MiB (heartbeats; may throw to stop)
   */
  public static Written copy(Connection c, String quotedTable, String compression, int level, OutputStream object,
                             LongConsumer progress) throws SQLException, IOException {
    DigestStreams.Out compressed = new DigestStreams.Out(object, null);
    DigestStreams.Out csv = new DigestStreams.Out(Compression.compress(compression, level, compressed), null);
    long rows;
    try (OutputStream staged = new DigestStreams.Out(new PipelinedOutputStream(csv, "archive-compress", CHUNK, CHUNKS),
        false, CHUNK, progress)) {
      rows = c.unwrap(PGConnection.class).getCopyAPI().copyOut(ContentHash.copySql(quotedTable), staged);
    }
    // close() returned: the compressing thread has finished, its counts and digests are final and visible here.
    return new Written(rows, csv.bytes(), csv.hex(), compressed.bytes(), compressed.hex());
  }
}
