package io.pgrunbooks.activities.s3;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ArchiveConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The one place S3 clients are built from the {@code archive} config: endpoint override and path style
 * for S3-compatible stores, checksums only where the code asks for them (WHEN_REQUIRED; the archive code
 * sets SHA-256 explicitly on every part), credentials from the configured variables or the AWS default
 * chain. Keys are read at each build so a rotated secret is picked up.
 */
public class S3ClientFactory {
  private final ArchiveConfig config;
  private final Supplier<Map<String, String>> env;

  public S3ClientFactory(ArchiveConfig config, Supplier<Map<String, String>> env) {
    this.config = config;
    this.env = env;
  }

  public ArchiveConfig config() {
    return config;
  }

  /** The configured bucket, or ConfigError. */
  public String bucket() {
    if (!config.configured()) {
      throw Lookups.config("no archive bucket is configured (config section archive.bucket)");
    }
    return config.bucket();
  }

  /** Writes a small JSON document at {@code key} in one PUT, with the configured server-side encryption. */
  public void putJson(String key, byte[] body) {
    software.amazon.awssdk.services.s3.model.PutObjectRequest.Builder put =
        software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket(bucket()).key(key)
            .contentType("application/json");
    if (config.sse() != null) {
      put.serverSideEncryption(software.amazon.awssdk.services.s3.model.ServerSideEncryption.fromValue(config.sse()));
      if (config.kmsKeyId() != null) {
        put.ssekmsKeyId(config.kmsKeyId());
      }
    }
    try (S3Client s3 = client()) {
      s3.putObject(put.build(), software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
    }
  }

  /** A new client; the caller closes it. */
  public S3Client client() {
    bucket();
    var builder = S3Client.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(credentials())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.forcePathStyle()).build())
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallAttemptTimeout(Duration.ofMinutes(2))
            .build());
    if (config.endpoint() != null) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentials() {
    try {
      String access = config.resolveAccessKey(env.get());
      String secret = config.resolveSecretKey(env.get());
      if (access == null || secret == null) {
        return DefaultCredentialsProvider.builder().build();
      }
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret));
    } catch (IllegalStateException e) {
      // The message names the variable or file, never a value.
      throw Lookups.config(e.getMessage());
    }
  }
}
