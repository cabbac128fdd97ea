package io.pgrunbooks.worker.crash;

import io.pgrunbooks.ops.stack.LocalStack;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The stack's bucket as the sweep sees it. Layout-agnostic on purpose: an archive is found by its {@code manifest.json}
 * anywhere under a table's folder, whether or not the key holds a run id.
 */
final class SweepS3 implements AutoCloseable {
  private final S3Client s3;
  private final String bucket;

  SweepS3(LocalStack stack) {
    bucket = stack.s3().bucket();
    s3 = S3Client.builder().endpointOverride(stack.s3().endpoint()).forcePathStyle(true)
        .region(Region.of(stack.s3().region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3().accessKey(), stack.s3().secretKey())))
        .build();
  }

  List<String> keys(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
  }

  List<String> manifests(String prefix) {
    return keys(prefix).stream().filter(k -> k.endsWith("/manifest.json")).toList();
  }

  int openUploads(String prefix) {
    return s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)).uploads().size();
  }

  /** Deletes every object and aborts every multipart upload under {@code prefix} (test folders only). */
  void clear(String prefix) {
    keys(prefix).forEach(k -> s3.deleteObject(b -> b.bucket(bucket).key(k)));
    s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)).uploads().forEach(u ->
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId())));
  }

  @Override
  public void close() {
    s3.close();
  }
}
