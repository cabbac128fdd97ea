package io.pgrunbooks.config;

import java.util.Map;

/**
 * The S3 (or S3-compatible) bucket that archived partitions and backups go to.
 *
 * @param bucket bucket name; null when archiving is not set up
 * @param prefix key prefix inside the bucket (default pg-runbooks)
 * @param endpoint endpoint URL of an S3-compatible store; null means AWS
 * @param region signing region (default us-east-1)
 * @param compression {@code gzip} or {@code zstd} (default gzip)
 * @param compressionLevel gzip 1-9 (default 6, as the {@code gzip} command) or zstd 1-19 (default 1: level 3
 *     took 2.5x the CPU of level 1 for a larger archive on the benchmark's CSV, and kept the export from
 *     keeping up with PostgreSQL's COPY on two cores; bench/archive/README.md); a lower level trades a somewhat
 *     larger archive for much less CPU
 * @param sse server-side encryption: null, {@code AES256} or {@code aws:kms}
 * @param kmsKeyId KMS key for {@code aws:kms}; null uses the bucket's default key
 * @param forcePathStyle path-style addressing, needed by most S3-compatible stores
 * @param accessKeyEnv environment variable with the access key id; null uses the AWS default chain
 * @param secretKeyEnv environment variable with the secret access key
 * @param secretKeyFile file with the secret access key (instead of {@code secretKeyEnv})
 * @param parallel ArchivePartition children a PartitionMaintenance run (or one of its batches) runs at once after
 *     its one approval of the expired set (1-32, default {@link #DEFAULT_PARALLEL})
 */
public record ArchiveConfig(
    String bucket,
    String prefix,
    String endpoint,
    String region,
    String compression,
    Integer compressionLevel,
    String sse,
    String kmsKeyId,
    boolean forcePathStyle,
    String accessKeyEnv,
    String secretKeyEnv,
    String secretKeyFile,
    Integer parallel) {

  /** Archive children at once when {@code parallel} is not set. */
  public static final int DEFAULT_PARALLEL = 4;
  /** Most archive children at once: each holds a connection to the primary and an upload. */
  public static final int MAX_PARALLEL = 32;

  public ArchiveConfig {
    parallel = parallel != null ? parallel : DEFAULT_PARALLEL;
    prefix = Copies.or(prefix, "pg-runbooks");
    region = Copies.or(region, "us-east-1");
    compression = Copies.or(compression, "gzip");
    compressionLevel = compressionLevel != null ? compressionLevel
        : "zstd".equals(compression) ? DEFAULT_ZSTD_LEVEL : DEFAULT_GZIP_LEVEL;
  }

  /** The section without {@code parallel} (its default). */
  public ArchiveConfig(String bucket, String prefix, String endpoint, String region, String compression,
                       Integer compressionLevel, String sse, String kmsKeyId, boolean forcePathStyle,
                       String accessKeyEnv, String secretKeyEnv, String secretKeyFile) {
    this(bucket, prefix, endpoint, region, compression, compressionLevel, sse, kmsKeyId, forcePathStyle, accessKeyEnv,
        secretKeyEnv, secretKeyFile, null);
  }

  /** gzip's own default. */
  public static final int DEFAULT_GZIP_LEVEL = 6;
  /** zstd's fastest regular level (was 3 until issue 22; archives of any level restore alike). */
  public static final int DEFAULT_ZSTD_LEVEL = 1;

  /** The section as it is when the file has none: no bucket. */
  public static ArchiveConfig none() {
    return new ArchiveConfig(null, null, null, null, null, null, null, null, false, null, null, null);
  }

  /** Whether a bucket is configured. */
  public boolean configured() {
    return bucket != null;
  }

  /** The access key id, or null when the AWS default credential chain should be used. */
  public String resolveAccessKey(Map<String, String> env) {
    return Secrets.resolve("archive access key", accessKeyEnv, null, env);
  }

  /** The secret access key, or null when the AWS default credential chain should be used. */
  public String resolveSecretKey(Map<String, String> env) {
    return Secrets.resolve("archive secret key", secretKeyEnv, secretKeyFile, env);
  }
}
