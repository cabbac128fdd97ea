package io.pgrunbooks.api.reports;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.config.ArchiveConfig;
import io.pgrunbooks.workflows.activities.ReportLayout;
import io.pgrunbooks.workflows.activities.ReportListing;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.restoredrill.DrillHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The run reports in the bucket, read-only (LIST and GET): what the audit trail keeps after Temporal
 * has forgotten a run. One client for the API's life; the layout is {@link ReportLayout}'s.
 */
public final class ReportStore implements AutoCloseable {
  private final S3Client s3;
  private final String bucket;
  private final String root;
  private final String prefix;

  private ReportStore(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.root = ReportLayout.root(prefix);
    this.prefix = prefix;
  }

  /** The store of the configured bucket, or empty when no bucket is configured. */
  public static Optional<ReportStore> open(ArchiveConfig archive, Map<String, String> env) {
    if (archive == null || !archive.configured()) {
      return Optional.empty();
    }
    var builder = S3Client.builder()
        .region(Region.of(archive.region()))
        .credentialsProvider(credentials(archive, env))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(archive.forcePathStyle()).build());
    if (archive.endpoint() != null) {
      builder.endpointOverride(URI.create(archive.endpoint()));
    }
    return Optional.of(new ReportStore(builder.build(), archive.bucket(), archive.prefix()));
  }

  /** A page of reports, newest first. */
  public ReportListing.Page list(ReportListing.Query query) {
    return ReportListing.page(root, query, this::keys);
  }

  /** The stored report {@code id} (as listed), or empty when there is none. */
  public Optional<JsonNode> get(String id) {
    if (!ReportLayout.isId(id)) {
      throw new IllegalArgumentException("not a report id: '" + id + "'");
    }
    try {
      byte[] body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(root + id)).asByteArray();
      return Optional.of(DataConverters.objectMapper().readTree(body));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("report " + id + " is not JSON", e);
    }
  }

  /**
   * The newest {@code limit} restore drill records of {@code cluster} ({@link DrillHistory}), newest first; objects
   * of another format are skipped.
   */
  public List<JsonNode> drillRecords(String cluster, int limit) {
    List<String> keys = keys(DrillHistory.folder(prefix, cluster));
    keys.sort(java.util.Comparator.reverseOrder());
    List<JsonNode> out = new ArrayList<>();
    for (String key : keys) {
      if (out.size() == limit) {
        break;
      }
      try {
        JsonNode doc = DataConverters.objectMapper().readTree(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        if (DrillHistory.FORMAT.equals(doc.path("format").asText())) {
          out.add(doc);
        }
      } catch (NoSuchKeyException e) {
        // Deleted between LIST and GET: not part of the history any more.
      } catch (IOException e) {
        // Not JSON: not a record this API wrote; skipped like another format.
      }
    }
    return out;
  }

  private List<String> keys(String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      keys.add(o.key());
    }
    return keys;
  }

  private static AwsCredentialsProvider credentials(ArchiveConfig archive, Map<String, String> env) {
    String access = archive.resolveAccessKey(env);
    String secret = archive.resolveSecretKey(env);
    if (access == null || secret == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret));
  }

  @Override
  public void close() {
    s3.close();
  }
}
