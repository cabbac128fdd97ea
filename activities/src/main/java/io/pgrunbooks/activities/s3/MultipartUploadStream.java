package io.pgrunbooks.activities.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An S3 multipart upload as an output stream of unknown length, in constant memory: two part buffers,
 * one being filled while the other uploads (with an explicit SHA-256 part checksum). {@link #complete}
 * finishes the upload; on any failure the caller aborts it by its upload id.
 */
final class MultipartUploadStream extends OutputStream {
  static final int PART_SIZE = 8 * 1024 * 1024;

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String uploadId;
  private final ExecutorService uploader;
  private final List<CompletedPart> parts = new ArrayList<>();
  private byte[] filling = new byte[PART_SIZE];
  private byte[] spare = new byte[PART_SIZE];
  private int pos;
  private Future<CompletedPart> inFlight;
  private boolean finished;

  MultipartUploadStream(S3Client s3, String bucket, String key, String uploadId) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.uploadId = uploadId;
    this.uploader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "s3-part-upload");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void write(int b) throws IOException {
    if (pos == filling.length) {
      ship();
    }
    filling[pos++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (pos == filling.length) {
        ship();
      }
      int n = Math.min(len, filling.length - pos);
      System.arraycopy(b, off, filling, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Uploads what is left as the last part and completes the upload. */
  CompleteMultipartUploadResponse complete() throws IOException {
    if (pos > 0 || parts.isEmpty() && inFlight == null) {
      ship();
    }
    awaitInFlight();
    finished = true;
    uploader.shutdown();
    return s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
        .multipartUpload(m -> m.parts(parts)));
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

  private void ship() throws IOException {
    awaitInFlight();
    byte[] data = filling;
    int len = pos;
    int partNumber = parts.size() + 1;
    filling = spare;
    spare = data;
    pos = 0;
    inFlight = uploader.submit(() -> {
      UploadPartResponse r = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
          .contentLength((long) len).checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(copy(data, len)));
      return CompletedPart.builder().partNumber(partNumber).eTag(r.eTag()).checksumSHA256(r.checksumSHA256()).build();
    });
  }

  // RequestBody.fromBytes copies anyway; a part of exactly len bytes keeps the last part's length right.
  private static byte[] copy(byte[] data, int len) {
    return len == data.length ? data : java.util.Arrays.copyOf(data, len);
  }

  private void awaitInFlight() throws IOException {
    if (inFlight == null) {
      return;
    }
    try {
      parts.add(inFlight.get());
      inFlight = null;
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
