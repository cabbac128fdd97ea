package io.pgrunbooks.ops.cli;

import io.pgrunbooks.config.ArchiveConfig;
import io.pgrunbooks.workflows.activities.ArchiveEntry;
import io.pgrunbooks.workflows.activities.ArchiveLayout;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.common.DataConverters;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Read-only listing of the archive bucket for {@code runbooks archives} (ops may not use the activities
 * module): the same layout rules ({@link ArchiveLayout}) the runbooks use, manifests read with GET only.
 */
final class ArchiveBucket {
  private ArchiveBucket() {}

  /** The archives of {@code table} (a partition or its parent), newest first. */
  static List<ArchiveEntry> list(ArchiveConfig archive, Map<String, String> env, String cluster, String database,
                                 String table) {
    if (!archive.configured()) {
      throw new IllegalArgumentException("no archive bucket is configured (config section archive.bucket)");
    }
    String root = ArchiveLayout.root(archive.prefix());
    try (S3Client s3 = client(archive, env)) {
      List<String> keys = new ArrayList<>();
      String prefix = ArchiveLayout.listPrefix(root, cluster, database, table);
      for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(archive.bucket()).prefix(prefix)).contents()) {
        if (o.key().endsWith("/manifest.json")) {
          keys.add(o.key());
        }
      }
      return ArchiveLayout.archivesOf(root, cluster, database, table, keys, k -> read(s3, archive.bucket(), k));
    }
  }

  private static ArchiveManifest read(S3Client s3, String bucket, String key) {
    try {
      return DataConverters.objectMapper().readValue(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray(),
          ArchiveManifest.class);
    } catch (IOException | S3Exception e) {
      // An unreadable manifest is not an archive anyone can restore; it is left out of the list.
      return null;
    }
  }

  static S3Client client(ArchiveConfig archive, Map<String, String> env) {
    var builder = S3Client.builder()
        .region(Region.of(archive.region()))
        .credentialsProvider(credentials(archive, env))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(archive.forcePathStyle()).build());
    if (archive.endpoint() != null) {
      builder.endpointOverride(URI.create(archive.endpoint()));
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(ArchiveConfig archive, Map<String, String> env) {
    String access = archive.resolveAccessKey(env);
    String secret = archive.resolveSecretKey(env);
    if (access == null || secret == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret));
  }
}
