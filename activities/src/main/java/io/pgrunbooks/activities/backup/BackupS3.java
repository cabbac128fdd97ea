package io.pgrunbooks.activities.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pgrunbooks.activities.s3.S3ClientFactory;
import io.pgrunbooks.config.ArchiveConfig;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** S3 helpers of the backup runbooks: the manifest JSON mapper, clients from the shared factory, SSE. */
final class BackupS3 {
  static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private BackupS3() {}

  /** A new client for the {@code archive} bucket (the same factory the archive runbooks use); the caller closes it. */
  static S3Client client(ArchiveConfig a, Map<String, String> env) {
    return new S3ClientFactory(a, () -> env).client();
  }

  static ServerSideEncryption sse(ArchiveConfig a) {
    return a.sse() == null ? null : ServerSideEncryption.fromValue(a.sse());
  }
}
