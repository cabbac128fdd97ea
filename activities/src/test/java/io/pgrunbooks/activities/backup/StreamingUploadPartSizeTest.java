package io.pgrunbooks.activities.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** Against the local stack's S3 store: a dump's part size follows its expected size. */
class StreamingUploadPartSizeTest {
  private static final long GIB = 1L << 30;

  @Test
  void aDumpExpectedAt400GiBIsSentInPartsBigEnoughForTenThousand() throws Exception {
    byte[] data = new byte[40 << 20];
    new Random(7).nextBytes(data);
    String key = "pg-runbooks-test/part-size/" + System.nanoTime() + "/dump.pgdump";
    try (S3Client s3 = BackupStackFixture.s3()) {
      String bucket = io.pgrunbooks.activities.TestStack.stack().s3().bucket();
      List<Long> progress = new ArrayList<>();
      StreamingUpload.Uploaded up = StreamingUpload.upload(s3, bucket, key, null, null,
          new ByteArrayInputStream(data), 400 * GIB, progress::add);

      // 400 GiB with room for 800 GiB in 10,000 parts: 82 MiB parts, so 40 MiB is one part (it was 3 of 16 MiB).
      assertThat(up.parts()).isEqualTo(1);
      assertThat(up.bytes()).isEqualTo(data.length);
      assertThat(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength()).isEqualTo(data.length);
      s3.deleteObject(r -> r.bucket(bucket).key(key));
    }
  }

  @Test
  void aDumpTooBigForAnyPartIsRefusedBeforeAnUploadStarts() throws Exception {
    String key = "pg-runbooks-test/part-size/" + System.nanoTime() + "/huge.pgdump";
    try (S3Client s3 = BackupStackFixture.s3()) {
      String bucket = io.pgrunbooks.activities.TestStack.stack().s3().bucket();
      assertThatThrownBy(() -> StreamingUpload.upload(s3, bucket, key, null, null,
          new ByteArrayInputStream(new byte[1]), 64L * 1024 * GIB, b -> {}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most about");

      assertThat(s3.listMultipartUploads(r -> r.bucket(bucket).prefix(key)).uploads()).isEmpty();
    }
  }
}
