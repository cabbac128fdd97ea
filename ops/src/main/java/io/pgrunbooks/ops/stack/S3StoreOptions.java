package io.pgrunbooks.ops.stack;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start an {@link S3Store}.
 *
 * @param port 0 = a free port
 * @param dataDir filesystem backend directory; null = transient (in-memory) backend
 * @param bucket created at start if missing
 * @param accessKey AWS access key id clients sign with
 * @param secretKey AWS secret key clients sign with
 * @param tlsDir where the stack's CA and the server certificate live (generated when missing); null = HTTP only
 * @param tlsPort port of the HTTPS endpoint served beside the HTTP one; 0 = a free port
 */
public record S3StoreOptions(int port, Path dataDir, String bucket, String accessKey, String secretKey, Path tlsDir,
                             int tlsPort) {
  public S3StoreOptions {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
  }

  /** HTTP only. */
  public S3StoreOptions(int port, Path dataDir, String bucket, String accessKey, String secretKey) {
    this(port, dataDir, bucket, accessKey, secretKey, null, 0);
  }
}
