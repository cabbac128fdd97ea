package io.pgrunbooks.activities.s3;

import io.pgrunbooks.config.ArchiveConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The one S3 multipart uploader (archives and backups): an object of unknown length written as a stream
 * in constant memory, its part size chosen from the expected size ({@link PartSizes}: never more than
 * 10,000 parts, refused before anything is sent when even the largest parts would not do), each part with
 * a SHA-256 checksum the store verifies, progress reported per uploaded part, aborted unless completed.
 * Before it starts, uploads left on the same key by a crashed attempt are aborted: an incomplete upload is
 * never an object, so it can never be taken for one, and aborting it frees its parts.
 */
public final class MultipartUpload implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MultipartUpload.class);

  /** The smallest part of a backup's dump (archives: 8 MiB); larger when the expected size needs it. */
  public static final int BACKUP_PART_SIZE = 16 * 1024 * 1024;

  /**
   * How one caller uploads.
   *
   * @param minPartSize the part size unless the expected size needs larger ones
   * @param partsInFlight parts uploading at once while the next one fills (memory: one more part buffer each)
   * @param createOnly complete with If-None-Match: * so an existing object is never replaced (archives)
   * @param metadata user metadata of the object
   */
  public record Options(int minPartSize, int partsInFlight, boolean createOnly, Map<String, String> metadata) {
    /** An archive object: written once, three parts in flight (a slow part must not stall the COPY). */
    public static Options archive(Map<String, String> metadata) {
      return new Options(MultipartUploadStream.PART_SIZE, MultipartUploadStream.PARTS_IN_FLIGHT, true, metadata);
    }

    /** A backup's dump: one part in flight as before, rewritten by a retry that lost its manifest. */
    public static Options backup() {
      return new Options(BACKUP_PART_SIZE, 1, false, Map.of());
    }
  }

  /** What {@link #copy} uploaded. */
  public record Copied(long bytes, String sha256, int parts) {}

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String uploadId;
  private final int abortedStale;
  private final MultipartUploadStream stream;
  private boolean completed;

  private MultipartUpload(S3Client s3, String bucket, String key, String uploadId, int abortedStale,
                          MultipartUploadStream stream) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.uploadId = uploadId;
    this.abortedStale = abortedStale;
    this.stream = stream;
  }

  /**
   * Aborts stale uploads on {@code key} (those the store lists, and {@code knownStale} from the previous
   * attempt's heartbeat), then creates a new one with parts big enough for about {@code expectedBytes};
   * {@code started} gets its id before any byte is sent.
   *
   * @param config the bucket and its server-side encryption
   * @param progress called with the bytes uploaded so far after each part (heartbeats; may throw to stop)
   * @throws IllegalArgumentException before anything is aborted or created when even the largest parts would not do
   */
  public static MultipartUpload start(S3Client s3, ArchiveConfig config, String key, Options options,
                                      Set<String> knownStale, long expectedBytes, Consumer<String> started,
                                      LongConsumer progress) {
    int partSize = PartSizes.choose(expectedBytes, options.minPartSize());
    String bucket = config.bucket();
    int aborted = abortStale(s3, bucket, key, knownStale);
    CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
        .contentType("application/octet-stream").checksumAlgorithm(ChecksumAlgorithm.SHA256)
        .metadata(options.metadata());
    if (config.sse() != null) {
      create.serverSideEncryption(ServerSideEncryption.fromValue(config.sse()));
      if (config.kmsKeyId() != null) {
        create.ssekmsKeyId(config.kmsKeyId());
      }
    }
    String id = s3.createMultipartUpload(create.build()).uploadId();
    started.accept(id);
    return new MultipartUpload(s3, bucket, key, id, aborted, new MultipartUploadStream(s3, bucket, key, id, partSize,
        options.partsInFlight(), options.createOnly(), progress));
  }

  /**
   * Aborts the unfinished uploads of {@code key}: those the store lists and {@code knownStale}; returns how
   * many it aborted. A store that cannot list uploads is logged, not fatal.
   */
  public static int abortStale(S3Client s3, String bucket, String key, Set<String> knownStale) {
    Set<String> stale = new LinkedHashSet<>(knownStale);
    try {
      s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(key)).uploads().stream()
          .filter(u -> key.equals(u.key())).forEach(u -> stale.add(u.uploadId()));
    } catch (S3Exception e) {
      // Some S3-compatible stores do not list uploads; the heartbeat still names the last attempt's.
      log.warn("could not list multipart uploads of {}: {}", key, e.awsErrorDetails() == null ? e.getMessage()
          : e.awsErrorDetails().errorMessage());
    }
    int aborted = 0;
    for (String id : stale) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
        aborted++;
        log.info("aborted stale multipart upload {} of s3://{}/{}", id, bucket, key);
      } catch (S3Exception e) {
        if (e.statusCode() != 404) {
          throw e;
        }
      }
    }
    return aborted;
  }

  public OutputStream stream() {
    return stream;
  }

  public String uploadId() {
    return uploadId;
  }

  public int abortedStale() {
    return abortedStale;
  }

  public int parts() {
    return stream.parts();
  }

  public CompleteMultipartUploadResponse complete() throws IOException {
    CompleteMultipartUploadResponse r = stream.complete();
    completed = true;
    return r;
  }

  /** Uploads all of {@code in} and completes the upload, with the SHA-256 of the whole. */
  public Copied copy(InputStream in) throws IOException {
    MessageDigest sha = sha256();
    long bytes;
    try (OutputStream out = new DigestOutputStream(stream, sha)) {
      bytes = in.transferTo(out);
    }
    complete();
    return new Copied(bytes, HexFormat.of().formatHex(sha.digest()), stream.parts());
  }

  /** A SHA-256 digest (every JVM has one). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Aborts the upload unless it completed; never throws (the next attempt aborts it otherwise). */
  @Override
  public void close() {
    stream.discard();
    if (!completed) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (RuntimeException e) {
        log.warn("could not abort multipart upload {} of {}: {}", uploadId, key, e.getMessage());
      }
    }
  }
}
