package io.pgrunbooks.activities.backup;

import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.S3StoreOptions;
import java.nio.file.Path;

/**
 * bench/backup: the S3 store in a JVM of its own, so the benchmark's peak RSS is the worker's (activities and
 * the in-memory Temporal server) without S3Proxy's buffers and hashing. Args: data dir, bucket, access key,
 * secret key. Prints {@code PORT <n>} once listening; stops when its stdin closes (the benchmark ended or died).
 */
final class BenchS3StoreMain {
  private BenchS3StoreMain() {}

  public static void main(String[] args) throws Exception {
    try (S3Store s3 = S3Store.start(new S3StoreOptions(0, Path.of(args[0]), args[1], args[2], args[3]))) {
      System.out.println("PORT " + s3.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for EOF
      }
    }
  }
}
