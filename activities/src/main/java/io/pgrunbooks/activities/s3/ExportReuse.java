package io.pgrunbooks.activities.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.common.DataConverters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A retry of an export finds what its own run already wrote instead of writing it again: the
 * run's manifest (the archive is complete) or its data object (the upload completed, the attempt died
 * before reporting). Sizes and hashes then come from the manifest or from reading the object back;
 * the drop's content-hash check proves the table against them anyway.
 */
public final class ExportReuse {
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  private ExportReuse() {}

  /** The finished export at {@code dataKey}/{@code manifestKey}, or null when nothing is there yet. */
  public static ExportResult find(S3Client s3, String bucket, String dataKey, String manifestKey, String compression,
                                  Heartbeats beat) {
    ArchiveManifest m = manifest(s3, bucket, manifestKey);
    if (m != null) {
      return new ExportResult(bucket, m.dataKey(), manifestKey, m.compression(), m.rows(), m.uncompressedBytes(),
          m.compressedBytes(), m.sha256Uncompressed(), m.sha256Compressed(), 0, null, true);
    }
    HeadObjectResponse head = head(s3, bucket, dataKey);
    if (head == null) {
      return null;
    }
    try (InputStream raw = s3.getObject(b -> b.bucket(bucket).key(dataKey));
         DigestStreams.In z = new DigestStreams.In(raw, false, beat::bytes);
         InputStream plain = Compression.decompress(compression, z);
         DigestStreams.In csv = new DigestStreams.In(plain, true, null)) {
      csv.transferTo(java.io.OutputStream.nullOutputStream());
      z.transferTo(java.io.OutputStream.nullOutputStream());
      return new ExportResult(bucket, dataKey, manifestKey, compression, Math.max(0, csv.records() - 1), csv.bytes(),
          z.bytes(), csv.hex(), z.hex(), 0, head.checksumSHA256(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("reading back s3://" + bucket + "/" + dataKey + " written by an earlier attempt", e);
    }
  }

  /** The manifest at {@code key}, or null when there is none. */
  public static ArchiveManifest manifest(S3Client s3, String bucket, String key) {
    byte[] body;
    try {
      body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw e;
    }
    try {
      return JSON.readValue(body, ArchiveManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("s3://" + bucket + "/" + key + " is not a manifest", e);
    }
  }

  static HeadObjectResponse head(S3Client s3, String bucket, String key) {
    try {
      return s3.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw e;
    }
  }
}
