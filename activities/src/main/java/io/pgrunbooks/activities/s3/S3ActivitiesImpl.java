package io.pgrunbooks.activities.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.workflows.activities.ArchiveEntry;
import io.pgrunbooks.workflows.activities.ArchiveLayout;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.ListArchivesInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.ReadManifestInput;
import io.pgrunbooks.workflows.activities.S3Activities;
import io.pgrunbooks.workflows.activities.VerifyArchiveInput;
import io.pgrunbooks.workflows.activities.VerifyArchiveResult;
import io.pgrunbooks.workflows.activities.WriteManifestInput;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link S3Activities} on the configured archive bucket. */
public class S3ActivitiesImpl implements S3Activities {
  private final S3ClientFactory clients;
  private final ObjectMapper json = DataConverters.objectMapper();

  public S3ActivitiesImpl(S3ClientFactory clients) {
    this.clients = clients;
  }

  @Override
  public VerifyArchiveResult verifyArchive(VerifyArchiveInput input) {
    ExportResult e = input.expected();
    List<String> problems = new ArrayList<>();
    try (S3Client s3 = clients.client()) {
      HeadObjectResponse head;
      try {
        head = s3.headObject(b -> b.bucket(e.bucket()).key(e.dataKey()).checksumMode(ChecksumMode.ENABLED));
      } catch (S3Exception ex) {
        if (ex.statusCode() == 404) {
          return new VerifyArchiveResult(false, input.deep(), -1, null, null, -1, List.of("s3://" + e.bucket() + "/"
              + e.dataKey() + " does not exist"));
        }
        throw ex;
      }
      if (head.contentLength() != e.compressedBytes()) {
        problems.add("object size " + head.contentLength() + " bytes, the export wrote " + e.compressedBytes());
      }
      if (e.s3ChecksumSha256() != null && head.checksumSHA256() != null
          && !e.s3ChecksumSha256().equals(head.checksumSHA256())) {
        problems.add("the store's SHA-256 checksum is " + head.checksumSHA256() + ", the upload completed with "
            + e.s3ChecksumSha256());
      }
      if (!input.deep()) {
        return new VerifyArchiveResult(problems.isEmpty(), false, head.contentLength(), null, null, -1, problems);
      }
      ActivityExecutionContext ctx = Activity.getExecutionContext();
      Heartbeats beat = new Heartbeats(ctx);
      try (InputStream raw = s3.getObject(b -> b.bucket(e.bucket()).key(e.dataKey()));
           DigestStreams.In compressed = new DigestStreams.In(raw, false, beat::bytes);
           InputStream plain = Compression.decompress(e.compression(), compressed);
           DigestStreams.In csv = new DigestStreams.In(plain, true, null)) {
        csv.transferTo(OutputStreamSink.INSTANCE);
        long rows = Math.max(0, csv.records() - 1);
        String zHex = compressed.hex();
        String csvHex = csv.hex();
        if (compressed.bytes() != e.compressedBytes()) {
          problems.add("read back " + compressed.bytes() + " bytes, the export wrote " + e.compressedBytes());
        }
        if (!zHex.equals(e.sha256Compressed())) {
          problems.add("SHA-256 of the object is " + zHex + ", the export computed " + e.sha256Compressed());
        }
        if (!csvHex.equals(e.sha256Uncompressed())) {
          problems.add("SHA-256 of the CSV is " + csvHex + ", the export computed " + e.sha256Uncompressed());
        }
        if (csv.bytes() != e.uncompressedBytes()) {
          problems.add("CSV is " + csv.bytes() + " bytes, the export wrote " + e.uncompressedBytes());
        }
        if (rows != e.rows()) {
          problems.add("CSV holds " + rows + " rows, the export counted " + e.rows());
        }
        return new VerifyArchiveResult(problems.isEmpty(), true, compressed.bytes(), zHex, csvHex, rows, problems);
      } catch (IOException ex) {
        // A corrupt stream (bad gzip/zstd data) is a finding, not a reason to retry.
        if (ex instanceof java.util.zip.ZipException || ex.getClass().getName().contains("Zstd")
            || ex instanceof java.io.EOFException) {
          problems.add("object does not decompress as " + e.compression() + ": " + ex.getMessage());
          return new VerifyArchiveResult(false, true, -1, null, null, -1, problems);
        }
        throw new UncheckedIOException(ex);
      }
    }
  }

  @Override
  public void writeManifest(WriteManifestInput input) {
    String key = input.manifestKey();
    try (S3Client s3 = clients.client()) {
      if (sameArchive(s3, key, input.manifest())) {
        return;
      }
      byte[] body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(input.manifest());
      try {
        // If-None-Match where the store honours it; the check above where it does not.
        s3.putObject(b -> b.bucket(clients.bucket()).key(key).contentType("application/json").ifNoneMatch("*")
            .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(body));
      } catch (S3Exception e) {
        if (e.statusCode() != 412 || !sameArchive(s3, key, input.manifest())) {
          throw e;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when {@code key} holds this run's manifest of the same data (a retry); SafetyRefused when another archive's. */
  private boolean sameArchive(S3Client s3, String key, ArchiveManifest mine) {
    ArchiveManifest there = ExportReuse.manifest(s3, clients.bucket(), key);
    if (there == null) {
      return false;
    }
    if (java.util.Objects.equals(there.runId(), mine.runId()) && java.util.Objects.equals(there.dataKey(), mine.dataKey())
        && java.util.Objects.equals(there.sha256Uncompressed(), mine.sha256Uncompressed())) {
      return true;
    }
    throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("s3://" + clients.bucket() + "/" + key
        + " already holds the manifest of another archive (run " + there.runId() + ", archived " + there.archivedAt()
        + "); an archive is never overwritten; nothing was written",
        io.pgrunbooks.workflows.common.FailureTypes.SAFETY_REFUSED);
  }

  @Override
  public ArchiveManifest readManifest(ReadManifestInput input) {
    String bucket = clients.bucket();
    String root = ArchiveLayout.root(clients.config().prefix());
    String refusal = ArchiveLayout.refusal(bucket, root, input.manifestKey());
    if (refusal != null) {
      throw Lookups.badInput(refusal);
    }
    String key = ArchiveLayout.bareKey(bucket, input.manifestKey());
    try (S3Client s3 = clients.client()) {
      ArchiveManifest m;
      try {
        m = ExportReuse.manifest(s3, bucket, key);
      } catch (UncheckedIOException e) {
        throw Lookups.badInput("s3://" + bucket + "/" + key + " is not a pg-runbooks manifest: " + e.getCause().getMessage());
      }
      if (m == null) {
        throw Lookups.badInput("no manifest at s3://" + bucket + "/" + key);
      }
      if (m.formatVersion() != 1 || m.dataKey() == null || m.columns() == null || m.columns().isEmpty()) {
        throw Lookups.badInput("s3://" + bucket + "/" + key + " is not a pg-runbooks manifest (format "
            + m.formatVersion() + ")");
      }
      // The manifest names the object the restore streams: it must be ours too, never another bucket or prefix.
      if (!bucket.equals(m.bucket()) || !m.dataKey().startsWith(root) || m.dataKey().contains("..")) {
        throw Lookups.badInput("manifest s3://" + bucket + "/" + key + " points at s3://" + m.bucket() + "/" + m.dataKey()
            + ", outside the configured archive bucket and prefix; refused");
      }
      return m;
    }
  }

  @Override
  public List<ArchiveEntry> listArchives(ListArchivesInput in) {
    String bucket = clients.bucket();
    String root = ArchiveLayout.root(clients.config().prefix());
    if (in.table() == null || !in.table().matches("[^./]+\\.[^./]+")) {
      throw Lookups.badInput("table must be schema.name, got '" + in.table() + "'");
    }
    try (S3Client s3 = clients.client()) {
      List<String> keys = new ArrayList<>();
      String prefix = ArchiveLayout.listPrefix(root, in.cluster(), in.database(), in.table());
      for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
        if (o.key().endsWith("/manifest.json")) {
          keys.add(o.key());
        }
      }
      return ArchiveLayout.archivesOf(root, in.cluster(), in.database(), in.table(), keys, k -> {
        try {
          return ExportReuse.manifest(s3, bucket, k);
        } catch (UncheckedIOException e) {
          return null;
        }
      });
    }
  }

  /** Discards bytes. */
  static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
