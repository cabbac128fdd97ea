package io.pgrunbooks.activities.s3;

import io.pgrunbooks.config.ArchiveConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * One archive object written as a multipart upload. Before it starts, uploads left on the same key by
 * a crashed attempt are aborted: an incomplete upload is never an object, so it can never be taken for
 * an archive, and aborting it frees its parts.
 */
public final class ArchiveUpload implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ArchiveUpload.class);

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String uploadId;
  private final int abortedStale;
  private final MultipartUploadStream stream;
  private boolean completed;

  private ArchiveUpload(S3Client s3, String bucket, String key, String uploadId, int abortedStale, int partSize) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.uploadId = uploadId;
    this.abortedStale = abortedStale;
    this.stream = new MultipartUploadStream(s3, bucket, key, uploadId, partSize);
  }

  /**
   * Aborts stale uploads on {@code key} (those the store lists, and {@code knownStale} from the previous
   * attempt's heartbeat), then creates a new one; {@code started} gets its id before any byte is sent.
   */
  public static ArchiveUpload start(S3Client s3, ArchiveConfig config, String key, Set<String> knownStale,
                                    Map<String, String> metadata, Consumer<String> started) {
    return start(s3, config, key, knownStale, metadata, 0, started);
  }

  /**
   * As above, with parts big enough for an object of about {@code expectedBytes} ({@link PartSizes}).
   *
   * @throws IllegalArgumentException before anything is aborted or created when even the largest parts would not do
   */
  public static ArchiveUpload start(S3Client s3, ArchiveConfig config, String key, Set<String> knownStale,
                                    Map<String, String> metadata, long expectedBytes, Consumer<String> started) {
    int partSize = PartSizes.choose(expectedBytes, MultipartUploadStream.PART_SIZE);
    String bucket = config.bucket();
    int aborted = 0;
    java.util.Set<String> stale = new java.util.LinkedHashSet<>(knownStale);
    try {
      for (MultipartUpload u : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(key)).uploads()) {
        if (key.equals(u.key())) {
          stale.add(u.uploadId());
        }
      }
    } catch (S3Exception e) {
      // Some S3-compatible stores do not list uploads; the heartbeat still names the last attempt's.
      log.warn("could not list multipart uploads of {}: {}", key, e.awsErrorDetails() == null ? e.getMessage()
          : e.awsErrorDetails().errorMessage());
    }
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
    CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
        .contentType("application/octet-stream").checksumAlgorithm(ChecksumAlgorithm.SHA256).metadata(metadata);
    if (config.sse() != null) {
      create.serverSideEncryption(ServerSideEncryption.fromValue(config.sse()));
      if (config.kmsKeyId() != null) {
        create.ssekmsKeyId(config.kmsKeyId());
      }
    }
    String id = s3.createMultipartUpload(create.build()).uploadId();
    started.accept(id);
    return new ArchiveUpload(s3, bucket, key, id, aborted, partSize);
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

  public CompleteMultipartUploadResponse complete() throws IOException {
    CompleteMultipartUploadResponse r = stream.complete();
    completed = true;
    return r;
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
