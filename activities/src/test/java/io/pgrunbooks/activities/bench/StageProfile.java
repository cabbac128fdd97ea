package io.pgrunbooks.activities.bench;

import io.pgrunbooks.activities.s3.Compression;
import io.pgrunbooks.activities.s3.DigestStreams;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import org.postgresql.PGConnection;

/**
 * Where the export's time goes: the same COPY through PgJDBC's CopyManager into progressively more of the
 * export's chain (nothing, SHA-256 of the CSV, + gzip or zstd + SHA-256 of the object), writing into a
 * null stream instead of S3. Usage: {@code ArchiveBenchmark profile <host> <port> <password> <table>}.
 */
final class StageProfile {
  private StageProfile() {}

  static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://" + a[1] + ":" + a[2] + "/postgres";
    String copy = "COPY (SELECT * FROM bench." + a[4] + ") TO STDOUT (FORMAT csv, HEADER)";
    try (Connection c = DriverManager.getConnection(url, "postgres", a[3])) {
      var api = c.unwrap(PGConnection.class).getCopyAPI();
      api.copyOut("COPY (SELECT * FROM bench.warmup) TO STDOUT (FORMAT csv, HEADER)", OutputStream.nullOutputStream());
      for (String stage : new String[] {"copy", "copy+sha", "copy+sha+gzip+sha", "copy+sha+zstd+sha"}) {
        long t0 = System.nanoTime();
        DigestStreams.Out object = new DigestStreams.Out(OutputStream.nullOutputStream(), null);
        OutputStream chain = switch (stage) {
          case "copy" -> OutputStream.nullOutputStream();
          case "copy+sha" -> new DigestStreams.Out(OutputStream.nullOutputStream(), null);
          case "copy+sha+gzip+sha" -> new DigestStreams.Out(Compression.compress("gzip", 6, object), null);
          default -> new DigestStreams.Out(Compression.compress("zstd", 3, object), null);
        };
        try (OutputStream buffered = new BufferedOutputStream(chain, 1 << 20)) {
          api.copyOut(copy, buffered);
        }
        System.out.printf("PROFILE %s %s %.2f s%n", a[4], stage, (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
