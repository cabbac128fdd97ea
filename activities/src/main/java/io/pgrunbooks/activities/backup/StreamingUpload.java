package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.s3.PartSizes;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Streams an input of unknown length into one S3 multipart upload: one reused part buffer (constant
 * memory, no temp file), Content-MD5 on every part so the store checks each one, SHA-256 of the
 * whole computed on the way. Stale uploads of the same key (from a crashed attempt) are aborted first;
 * a failed upload is aborted before the failure propagates. The part size comes from the expected
 * size ({@link PartSizes}): a dump too big for 10,000 parts is refused before the upload starts.
 */
final class StreamingUpload {
  /** The smallest part size; larger when the expected size needs it. */
  static final int PART_SIZE = 16 * 1024 * 1024;

  record Uploaded(long bytes, String sha256, int parts) {}

  private StreamingUpload() {}

  /** Aborts every unfinished multipart upload of {@code key}; returns how many there were. */
  static int abortStale(S3Client s3, String bucket, String key) {
    int[] n = {0};
    s3.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(key)).uploads().stream()
        .filter(u -> u.key().equals(key))
        .forEach(u -> {
          s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(u.uploadId()));
          n[0]++;
        });
    return n[0];
  }

  /**
   * @param expectedBytes about how big the object will be (0 when unknown): chooses the part size
   * @param progress called with the bytes uploaded so far after each part (heartbeats; may throw to stop)
   * @throws IllegalArgumentException before anything is uploaded when even the largest parts would not do
   */
  static Uploaded upload(S3Client s3, String bucket, String key, ServerSideEncryption sse, String kmsKeyId,
                         InputStream in, long expectedBytes, LongConsumer progress) throws IOException {
    int partSize = PartSizes.choose(expectedBytes, PART_SIZE);
    CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
        .contentType("application/octet-stream");
    if (sse != null) {
      create.serverSideEncryption(sse).ssekmsKeyId(kmsKeyId);
    }
    String uploadId = s3.createMultipartUpload(create.build()).uploadId();
    boolean done = false;
    try {
      MessageDigest sha = digest("SHA-256");
      MessageDigest md5 = digest("MD5");
      byte[] buffer = new byte[partSize];
      List<CompletedPart> parts = new ArrayList<>();
      long total = 0;
      while (true) {
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n == 0 && !parts.isEmpty()) {
          break;
        }
        sha.update(buffer, 0, n);
        md5.reset();
        md5.update(buffer, 0, n);
        int number = parts.size() + 1;
        PartSizes.checkPartNumber(number, partSize, key);
        String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                .contentLength((long) n).contentMD5(Base64.getEncoder().encodeToString(md5.digest())),
            RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(buffer, 0, n))).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        total += n;
        progress.accept(total);
        if (n < buffer.length) {
          break;
        }
      }
      s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts)));
      done = true;
      return new Uploaded(total, HexFormat.of().formatHex(sha.digest()), parts.size());
    } finally {
      if (!done) {
        try {
          s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException ignored) {
          // the retry aborts it as stale
        }
      }
    }
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " unavailable", e);
    }
  }
}
