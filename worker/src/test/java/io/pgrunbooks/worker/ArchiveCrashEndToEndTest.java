package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.StackYaml;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflow;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 5's crash case on the real Temporal dev server: the worker process is SIGKILLed while the
 * export streams into its multipart upload; a new worker process finishes the run. Exactly one valid
 * archive remains, no multipart upload is left behind, and the drop came after verification.
 */
class ArchiveCrashEndToEndTest {
  private static final String PARTITION = "crash.events_2020_01";

  @Test
  void workerKilledDuringUploadIsReplacedAndTheRunEndsWithExactlyOneVerifiedArchive() throws Exception {
    LocalStack stack = SharedStack.get();
    Path dir = Files.createTempDirectory("archive-crash");
    Path config = dir.resolve("runbooks.yml");
    Files.writeString(config, yaml(stack));
    try (Connection c = stack.postgres().currentPrimary().connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS crash CASCADE");
      st.execute("CREATE SCHEMA crash");
      st.execute("CREATE TABLE crash.events (id bigint, ts timestamptz NOT NULL, payload text) PARTITION BY RANGE (ts)");
      st.execute("CREATE TABLE " + PARTITION + " PARTITION OF crash.events FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')");
      // Hashes do not compress: the upload lasts long enough to be interrupted.
      st.execute("INSERT INTO crash.events SELECT g, timestamptz '2020-01-01' + (g % 2600000) * interval '1 second',"
          + " md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) FROM generate_series(1, 1500000) g");
    }
    String folder = "crash-archives/main/postgres/crash/events/events_2020_01/";
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporal().address()).build());
    List<ChildProcess> workers = new ArrayList<>();
    try (S3Client s3 = s3(stack)) {
      WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
          .setNamespace(stack.temporal().namespace()).setDataConverter(DataConverters.jackson()).build());
      workers.add(worker(dir, config, "worker-1"));
      ArchivePartitionWorkflow wf = client.newWorkflowStub(ArchivePartitionWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(WorkflowIds.archivePartition("main", "postgres", PARTITION)).build());
      WorkflowClient.start(wf::run, ArchivePartitionInput.of("main", "postgres", PARTITION));

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (s3.listMultipartUploads(b -> b.bucket(stack.s3().bucket()).prefix(folder)).uploads().isEmpty()) {
        assertThat(System.nanoTime()).as("the upload never started").isLessThan(deadline);
        Thread.sleep(50);
      }
      Thread.sleep(500);
      workers.get(0).kill();
      assertThat(objects(s3, stack, folder)).as("nothing complete was written by the killed worker").isEmpty();

      workers.add(worker(dir, config, "worker-2"));
      ArchivePartitionResult result = WorkflowStub.fromTyped(wf).getResult(3, TimeUnit.MINUTES, ArchivePartitionResult.class);

      assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(result.dropped()).isTrue();
      assertThat(result.rows()).isEqualTo(1_500_000);
      List<String> names = result.report().steps().stream().filter(s -> StepRecord.DONE.equals(s.status()))
          .map(StepRecord::name).toList();
      assertThat(names).containsSubsequence("export", "verify", "write manifest", "drop");
      assertThat(result.report().steps()).filteredOn(s -> s.name().equals("verify"))
          .singleElement().satisfies(s -> assertThat(s.detail()).startsWith("deep-verified"));
      // One archive, in this run's own folder: the retry after the kill wrote it once.
      String run = folder + "run-" + WorkflowStub.fromTyped(wf).getExecution().getRunId() + "/";
      assertThat(objects(s3, stack, folder)).containsExactlyInAnyOrder(run + "data.csv.gz", run + "manifest.json");
      assertThat(s3.listMultipartUploads(b -> b.bucket(stack.s3().bucket()).prefix(folder)).uploads()).isEmpty();
      try (Connection c = stack.postgres().currentPrimary().connect("postgres"); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT to_regclass('" + PARTITION + "') IS NULL")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("partition dropped").isTrue();
      }
      assertThat(workers.get(1).logText()).doesNotContain(SharedStack.PASSWORD);
    } finally {
      workers.forEach(ChildProcess::stop);
      service.shutdown();
    }
  }

  private static List<String> objects(S3Client s3, LocalStack stack, String folder) {
    return s3.listObjectsV2Paginator(b -> b.bucket(stack.s3().bucket()).prefix(folder)).contents().stream()
        .map(S3Object::key).toList();
  }

  private static ChildProcess worker(Path dir, Path config, String name) {
    ChildProcess p = ChildProcess.startJava(name, System.getProperty("java.class.path"), WorkerMain.class.getName(),
        List.of("worker", "--config", config.toString()),
        Map.of("RUNBOOKS_PG_PASSWORD", SharedStack.PASSWORD, "RUNBOOKS_S3_ACCESS_KEY", SharedStack.get().s3().accessKey(),
            "RUNBOOKS_S3_SECRET_KEY", SharedStack.get().s3().secretKey()),
        dir.resolve(name + ".log"));
    p.awaitLog("polling task queue", Duration.ofSeconds(60));
    return p;
  }

  private static S3Client s3(LocalStack stack) {
    return S3Client.builder().endpointOverride(stack.s3().endpoint()).forcePathStyle(true)
        .region(Region.of(stack.s3().region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3().accessKey(), stack.s3().secretKey())))
        .build();
  }

  private static String yaml(LocalStack stack) {
    String nodes = StackYaml.nodes(stack);
    return """
        temporal:
          target: %s
          namespace: %s
        worker:
          metricsPort: 0
        clusters:
          main:
            credentials:
              user: postgres
              passwordEnv: RUNBOOKS_PG_PASSWORD
            nodes:
        %s
            databases:
              postgres:
                partitions:
                  - table: crash.events
                    retention: 90d
                    archive: true
        """.formatted(stack.temporal().address(), stack.temporal().namespace(), nodes)
        + WorkerFixture.archiveYaml(stack, "crash-archives") + """
        approvals:
          approvers:
            - name: alice
              roles: [approver]
          preApprovals:
            - runbook: ArchivePartition
              step: drop-partition
              cluster: main
              database: postgres
              target: crash.events
        """;
  }
}
