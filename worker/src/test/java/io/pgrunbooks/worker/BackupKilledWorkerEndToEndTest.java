package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A worker killed (SIGKILL) in the middle of a backup's upload: the run, on a new worker process,
 * aborts the stale multipart upload and ends with exactly one complete backup whose checksum holds.
 */
class BackupKilledWorkerEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static WorkerFixture fixture;
  private static final String PREFIX = "e2e" + UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  static void start() throws Exception {
    fixture = new WorkerFixture();
    LocalStack s = fixture.stack;
    Files.writeString(fixture.config, WorkerFixture.configYaml(s, fixture.metricsPort)
        + WorkerFixture.archiveYaml(s, PREFIX) + """
        backup:
          preferReplica: false
        """);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private ChildProcess worker(String name) {
    ChildProcess p = ChildProcess.startJava(name, System.getProperty("java.class.path"), WorkerMain.class.getName(),
        List.of("worker", "--config", fixture.config.toString()),
        Map.of(WorkerFixture.PASSWORD_ENV, SharedStack.PASSWORD, "RUNBOOKS_S3_ACCESS_KEY", LocalStack.S3_ACCESS_KEY,
            "RUNBOOKS_S3_SECRET_KEY", LocalStack.S3_SECRET_KEY), fixture.dir.resolve(name + ".log"));
    fixture.processes.add(p);
    p.awaitLog("polling task queue", Duration.ofSeconds(60));
    return p;
  }

  @Test
  void aWorkerKilledMidUploadEndsWithExactlyOneCompleteBackup() throws Exception {
    PostgresNode primary = fixture.stack.postgres().currentPrimary();
    String db = "killed" + UUID.randomUUID().toString().substring(0, 6);
    primary.psql("postgres", "CREATE DATABASE " + db);
    // Random text compresses badly: a dump of several parts that takes seconds to upload.
    primary.psql(db, "CREATE TABLE t AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS a"
        + " FROM generate_series(1, 1500000) g");

    ChildProcess first = worker("worker-1");
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("Backup", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("backup:main:" + db).build());
    run.start(Map.of("cluster", "main", "database", db));

    try (S3Client s3 = s3()) {
      String bucket = fixture.stack.s3().bucket();
      long deadline = System.currentTimeMillis() + 60_000;
      boolean partUploaded = false;
      while (!partUploaded) {
        assertThat(System.currentTimeMillis()).as("upload started").isLessThan(deadline);
        for (var u : s3.listMultipartUploads(r -> r.bucket(bucket).prefix(PREFIX)).uploads()) {
          partUploaded |= !s3.listParts(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId())).parts().isEmpty();
        }
        Thread.sleep(20);
      }
      first.kill();
      worker("worker-2");

      JsonNode result = JSON.valueToTree(run.getResult(4, TimeUnit.MINUTES, Map.class));
      assertThat(result.at("/report/outcome").asText()).isEqualTo("COMPLETED");
      String key = result.at("/backupKey").asText();
      List<String> all = s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(PREFIX)).contents().stream()
          .map(o -> o.key()).toList();
      // Besides the backup, the bucket holds the run's report (the audit trail), once.
      List<String> objects = all.stream().filter(k -> !k.startsWith(PREFIX + "/reports/")).toList();
      assertThat(objects).containsExactlyInAnyOrder(key + "dump.pgdump", key + "manifest.json");
      assertThat(all.stream().filter(k -> k.startsWith(PREFIX + "/reports/")))
          .singleElement().asString().contains("/Backup/main/").contains(".COMPLETED.");
      assertThat(s3.listMultipartUploads(r -> r.bucket(bucket).prefix(PREFIX)).uploads()).isEmpty();
      byte[] dump = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key + "dump.pgdump")).asByteArray();
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dump)))
          .isEqualTo(result.at("/manifest/sha256").asText());
      assertThat(dump.length).isEqualTo(result.at("/manifest/dumpBytes").asLong()).isGreaterThan(16 << 20);
      assertThat(result.at("/manifest/tables/0/rows").asLong()).isEqualTo(1_500_000);
    }
  }

  private static S3Client s3() {
    return S3Client.builder().endpointOverride(URI.create(fixture.stack.s3().endpoint().toString()))
        .region(Region.of(fixture.stack.s3().region())).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LocalStack.S3_ACCESS_KEY, LocalStack.S3_SECRET_KEY)))
        .build();
  }
}
