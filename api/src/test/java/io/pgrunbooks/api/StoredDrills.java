package io.pgrunbooks.api;

import io.pgrunbooks.workflows.restoredrill.DrillHistory;
import io.pgrunbooks.workflows.restoredrill.DrillRecord;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Restore drill records written to the fixture's bucket as a drill writes them (same key layout, same JSON). */
final class StoredDrills {
  private StoredDrills() {}

  /** One drill record of {@code cluster}. */
  static DrillRecord drill(String cluster, String startedAt, boolean passed, double rto, long rpo,
                           List<String> failed) {
    String runId = UUID.randomUUID().toString();
    return new DrillRecord(cluster, startedAt, "20261201-010000F", "2026-12-01 01:00:00.000000+00", rto, rpo, passed,
        failed, "restore-drill:" + cluster + ":" + runId.substring(0, 8), runId);
  }

  /** Writes {@code records} under the fixture's prefix in the stack's S3 store, plus an object of another format. */
  static void store(ApiFixture api, List<DrillRecord> records) {
    try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(api.stack.s3().endpoint().toString()))
        .region(Region.of(api.stack.s3().region())).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(api.stack.s3().accessKey(),
            api.stack.s3().secretKey()))).build()) {
      for (DrillRecord r : records) {
        s3.putObject(b -> b.bucket(api.stack.s3().bucket()).key(DrillHistory.key(api.archivePrefix, r))
            .contentType("application/json"), RequestBody.fromBytes(DrillHistory.json(r)));
      }
      String cluster = records.get(0).cluster();
      s3.putObject(b -> b.bucket(api.stack.s3().bucket()).key(DrillHistory.folder(api.archivePrefix, cluster)
          + "README.json"), RequestBody.fromString("{\"format\": \"something-else/1\"}"));
    }
  }
}
