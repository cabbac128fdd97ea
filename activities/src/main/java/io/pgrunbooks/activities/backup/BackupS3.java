package io.pgrunbooks.activities.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ArchiveConfig;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The backup runbooks' own small S3 client factory (the {@code s3/} package belongs to the archive
 * runbooks; the two can be merged later): a synchronous client for the {@code archive} bucket, with
 * path-style addressing for S3-compatible stores and keys resolved from the environment at each call.
 */
final class BackupS3 {
  static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private BackupS3() {}

  static S3Client client(ArchiveConfig a, Map<String, String> env) {
    if (!a.configured()) {
      throw Lookups.config("backups need the archive bucket: set archive.bucket in the worker's config");
    }
    var builder = S3Client.builder()
        .region(Region.of(a.region()))
        .forcePathStyle(a.forcePathStyle() || a.endpoint() != null)
        // Parts carry Content-MD5 and the dump's SHA-256 is checked against the manifest; the SDK's
        // default trailing checksums are not understood by every S3-compatible store.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (a.endpoint() != null) {
      builder.endpointOverride(URI.create(a.endpoint()));
    }
    String access;
    String secret;
    try {
      access = a.resolveAccessKey(env);
      secret = a.resolveSecretKey(env);
    } catch (IllegalStateException e) {
      throw Lookups.config(e.getMessage());
    }
    builder.credentialsProvider(access == null ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret)));
    return builder.build();
  }

  static ServerSideEncryption sse(ArchiveConfig a) {
    return a.sse() == null ? null : ServerSideEncryption.fromValue(a.sse());
  }
}
