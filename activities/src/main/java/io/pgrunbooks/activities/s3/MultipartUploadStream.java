package io.pgrunbooks.activities.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The engine of {@link MultipartUpload}: an S3 multipart upload as an output stream of unknown length,
 * in constant memory: one part buffer being filled while up to {@code partsInFlight} earlier parts
 * upload (each with an explicit SHA-256 part checksum); buffers are recycled. {@link #complete}
 * finishes the upload; on any failure the caller aborts it by its upload id.
 */
final class MultipartUploadStream extends BlockOutputStream {
  /** The smallest part size of an archive; larger when the expected size needs it ({@link PartSizes}). */
  static final int PART_SIZE = 8 * 1024 * 1024;
  /**
   * Parts uploading at once. One was too few on a loaded host: a store slow to answer one part stalled
   * the whole COPY behind it (bench/archive/README.md, "what was fixed").
   */
  static final int PARTS_IN_FLIGHT = 3;

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String uploadId;
  private final int partSize;
  private final int partsInFlight;
  private final boolean createOnly;
  private final LongConsumer progress;
  private final ExecutorService uploader;
  private final List<CompletedPart> parts = new ArrayList<>();
  private final ArrayDeque<Future<CompletedPart>> inFlight = new ArrayDeque<>();
  private final ArrayDeque<Long> sizes = new ArrayDeque<>();
  private final BlockingQueue<byte[]> free;
  private long uploaded;
  private boolean finished;

  MultipartUploadStream(S3Client s3, String bucket, String key, String uploadId) {
    this(s3, bucket, key, uploadId, PART_SIZE);
  }

  MultipartUploadStream(S3Client s3, String bucket, String key, String uploadId, int partSize) {
    this(s3, bucket, key, uploadId, partSize, PARTS_IN_FLIGHT, true, b -> {});
  }

  /**
   * @param createOnly complete with If-None-Match: * (the key is written once, never replaced)
   * @param progress called on the writing thread with the bytes of the parts uploaded so far
   */
  MultipartUploadStream(S3Client s3, String bucket, String key, String uploadId, int partSize, int partsInFlight,
                        boolean createOnly, LongConsumer progress) {
    super(partSize);
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.uploadId = uploadId;
    this.partSize = partSize;
    this.partsInFlight = partsInFlight;
    this.createOnly = createOnly;
    this.progress = progress;
    this.free = new ArrayBlockingQueue<>(partsInFlight + 1);
    this.uploader = Executors.newFixedThreadPool(partsInFlight, r -> {
      Thread t = new Thread(r, "s3-part-upload");
      t.setDaemon(true);
      return t;
    });
  }

  /** Uploads what is left as the last part and completes the upload. */
  CompleteMultipartUploadResponse complete() throws IOException {
    if (pos > 0 || parts.isEmpty() && inFlight.isEmpty()) {
      full();
    }
    while (!inFlight.isEmpty()) {
      awaitOldest();
    }
    finished = true;
    uploader.shutdown();
    // If-None-Match: an archive object is written once; a store that honours it refuses to replace one. A
    // backup's dump is not: a retry whose earlier attempt completed the dump but lost the manifest rewrites it.
    return s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
        .ifNoneMatch(createOnly ? "*" : null).multipartUpload(m -> m.parts(parts)));
  }

  int parts() {
    return parts.size();
  }

  /** Closing the compressor chain above must not end the upload: {@link #complete} or {@link #discard} do. */
  @Override
  public void close() {}

  /** Stops a part upload in flight; the caller aborts the upload. */
  void discard() {
    if (!finished) {
      uploader.shutdownNow();
    }
  }

  @Override
  protected void full() throws IOException {
    while (inFlight.size() >= partsInFlight) {
      awaitOldest();
    }
    byte[] data = block;
    int len = pos;
    int partNumber = parts.size() + inFlight.size() + 1;
    PartSizes.checkPartNumber(partNumber, partSize, key);
    long bytes = len;
    byte[] next = free.poll();
    block = next != null ? next : new byte[partSize];
    pos = 0;
    sizes.add(bytes);
    inFlight.add(uploader.submit(() -> {
      try {
        UploadPartResponse r = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
            .contentLength((long) len).checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(copy(data, len)));
        return CompletedPart.builder().partNumber(partNumber).eTag(r.eTag()).checksumSHA256(r.checksumSHA256()).build();
      } finally {
        free.offer(data);
      }
    }));
  }

  // RequestBody.fromBytes copies anyway; a part of exactly len bytes keeps the last part's length right.
  private static byte[] copy(byte[] data, int len) {
    return len == data.length ? data : java.util.Arrays.copyOf(data, len);
  }

  /** Waits for the oldest part in flight: parts complete in part-number order. */
  private void awaitOldest() throws IOException {
    try {
      parts.add(inFlight.peekFirst().get());
      inFlight.removeFirst();
      uploaded += sizes.removeFirst();
      progress.accept(uploaded);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading part " + (parts.size() + 1));
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }
}
