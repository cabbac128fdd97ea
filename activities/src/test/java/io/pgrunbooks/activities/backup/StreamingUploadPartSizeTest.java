package io.pgrunbooks.activities.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.s3.MultipartUpload;
import io.pgrunbooks.config.ArchiveConfig;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Against the local stack's S3 store: a dump, sent by the shared {@link MultipartUpload} with the backup's
 * options, gets a part size that follows its expected size (name kept from the backup's former uploader).
 */
class StreamingUploadPartSizeTest {
  private static final long GIB = 1L << 30;

  private static ArchiveConfig bucket(String bucket) {
    return new ArchiveConfig(bucket, null, null, null, null, null, null, null, true, null, null, null);
  }

  @Test
  void aDumpExpectedAt400GiBIsSentInPartsBigEnoughForTenThousand() throws Exception {
    byte[] data = new byte[40 << 20];
    new Random(7).nextBytes(data);
    String key = "pg-runbooks-test/part-size/" + System.nanoTime() + "/dump.pgdump";
    try (S3Client s3 = BackupStackFixture.s3()) {
      String bucket = io.pgrunbooks.activities.TestStack.stack().s3().bucket();
      List<Long> progress = new ArrayList<>();
      MultipartUpload.Copied up;
      try (MultipartUpload upload = MultipartUpload.start(s3, bucket(bucket), key, MultipartUpload.Options.backup(),
          Set.of(), 400 * GIB, id -> {}, progress::add)) {
        up = upload.copy(new ByteArrayInputStream(data));
      }

      // 400 GiB with room for 800 GiB in 10,000 parts: 82 MiB parts, so 40 MiB is one part (it was 3 of 16 MiB).
      assertThat(up.parts()).isEqualTo(1);
      assertThat(up.bytes()).isEqualTo(data.length);
      assertThat(up.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
      assertThat(progress).containsExactly((long) data.length);
      assertThat(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength()).isEqualTo(data.length);
      s3.deleteObject(r -> r.bucket(bucket).key(key));
    }
  }

  @Test
  void aDumpIsRewrittenByARetryThatLostItsManifest() throws Exception {
    // Unlike an archive (If-None-Match), a backup's dump key is rewritten by the next attempt.
    String key = "pg-runbooks-test/part-size/" + System.nanoTime() + "/again.pgdump";
    try (S3Client s3 = BackupStackFixture.s3()) {
      String bucket = io.pgrunbooks.activities.TestStack.stack().s3().bucket();
      for (int size : new int[] {10, 20}) {
        try (MultipartUpload upload = MultipartUpload.start(s3, bucket(bucket), key, MultipartUpload.Options.backup(),
            Set.of(), 0, id -> {}, b -> {})) {
          upload.copy(new ByteArrayInputStream(new byte[size]));
        }
      }
      assertThat(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength()).isEqualTo(20);
      s3.deleteObject(r -> r.bucket(bucket).key(key));
    }
  }

  @Test
  void aDumpTooBigForAnyPartIsRefusedBeforeAnUploadStarts() throws Exception {
    String key = "pg-runbooks-test/part-size/" + System.nanoTime() + "/huge.pgdump";
    try (S3Client s3 = BackupStackFixture.s3()) {
      String bucket = io.pgrunbooks.activities.TestStack.stack().s3().bucket();
      assertThatThrownBy(() -> MultipartUpload.start(s3, bucket(bucket), key, MultipartUpload.Options.backup(),
          Set.of(), 64L * 1024 * GIB, id -> {}, b -> {}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most about");

      assertThat(s3.listMultipartUploads(r -> r.bucket(bucket).prefix(key)).uploads()).isEmpty();
    }
  }
}
