package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * RestoreDrill through the public contract on a stack of its own (primary only, archiving to pgBackRest over HTTPS):
 * a worker and the node agent as processes, a real restore into a scratch instance, the sentinels checked, the
 * scratch instance gone afterwards.
 */
class RestoreDrillEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static PgBackRestEndToEnd e2e;
  private static LocalStack stack;
  private static PgBackRestStack pgbackrest;
  private static WorkerFixture fixture;
  private static final String PREFIX = "drill-e2e";

  @BeforeAll
  static void start() throws Exception {
    e2e = PgBackRestEndToEnd.start("drill", o -> o.withReplicas(List.of()));
    stack = e2e.stack;
    pgbackrest = e2e.pgbackrest;
    fixture = e2e.fixture;
    e2e.writeConfig("""
        rtoObjective: 10m
        retentionFull: 1
        minFull: 1
        """, "", WorkerFixture.archiveYaml(stack, PREFIX) + """
        approvals:
          approvers:
            - {name: bob, roles: [approver]}
        """);
  }

  @AfterAll
  static void stop() {
    if (e2e != null) {
      e2e.close();
    }
  }

  @Test
  void aScheduledStyleDrillRestoresToItsSentinelsAndRemovesTheScratchInstance() throws Exception {
    stack.postgres().primary().psql("postgres", "CREATE TABLE quiet AS SELECT g AS id FROM generate_series(1, 5000) g");
    e2e.fullBackup();
    startProcesses();
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("RestoreDrill", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("restore-drill:main").build());
    run.start(Map.of("cluster", "main", "database", "postgres"));

    JsonNode result = JSON.valueToTree(run.getResult(5, TimeUnit.MINUTES, Map.class));
    System.out.println("restore drill end to end: " + result.at("/report/summary").asText());
    assertThat(result.at("/report/outcome").asText()).isEqualTo("COMPLETED");
    assertThat(result.at("/passed").asBoolean()).as(result.at("/checks").toString()).isTrue();
    assertThat(result.at("/rtoSeconds").asDouble()).isPositive();
    assertThat(result.at("/checks").findValuesAsText("name")).contains("sentinel before the target present",
        "sentinel after the target absent", "row counts", "amcheck", "RTO objective");
    Path drills = stack.postgres().primary().dataDir().resolveSibling("pg-runbooks-drills");
    try (var left = Files.exists(drills) ? Files.list(drills) : java.util.stream.Stream.<Path>empty()) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aPassedDrillProvesItsBackupSoItsExpireNeedsNoApprovalWhileAnUnprovenOneDoes() throws Exception {
    stack.postgres().primary().psql("postgres", "CREATE TABLE IF NOT EXISTS proof AS SELECT g AS id "
        + "FROM generate_series(1, 1000) g");
    e2e.fullBackup();
    startProcesses();

    JsonNode drill = run("RestoreDrill", "restore-drill:main:proof", Map.of("cluster", "main", "database", "postgres"));
    assertThat(drill.at("/passed").asBoolean()).as(drill.at("/checks").toString()).isTrue();
    String proven = drill.at("/backupLabel").asText();
    JsonNode info = JSON.readTree(pgbackrest.infoJson()).get(0).get("backup");
    JsonNode annotated = null;
    for (JsonNode b : info) {
      if (b.path("label").asText().equals(proven)) {
        annotated = b;
      }
    }
    assertThat(annotated).as("backup %s in %s", proven, info).isNotNull();
    assertThat(annotated.at("/annotation/pg-runbooks-drill").asText()).startsWith("restore-drill:main:proof/");
    JsonNode record = drillRecord(drill.at("/report/changes").toString());
    assertThat(record.path("format").asText()).isEqualTo("pg-runbooks-restore-drill/1");
    assertThat(record.path("backupLabel").asText()).isEqualTo(proven);
    assertThat(record.path("passed").asBoolean()).isTrue();
    assertThat(record.path("rtoSeconds").asDouble()).isPositive();

    // retentionFull 1: the next full pushes out every older full; all of them were restored by a passed drill.
    JsonNode first = run("PhysicalBackup", "physical-backup:main:1", Map.of("cluster", "main", "type", "full"));
    System.out.println("expire of proven backups: " + first.at("/report/log"));
    assertThat(first.at("/report/outcome").asText()).isEqualTo("COMPLETED");
    assertThat(first.at("/report/approvals")).isEmpty();
    assertThat(JSON.convertValue(first.at("/expired"), List.class)).contains(proven);
    assertThat(first.at("/report/log").toString()).contains("expire needs no approval").contains(proven + ": restore-drill:main:proof/");

    // The backup just taken was never drilled: pushing it out needs approval.
    WorkflowStub second = start("PhysicalBackup", "physical-backup:main:2", Map.of("cluster", "main", "type", "full"));
    JsonNode pending = awaitPendingApproval(second);
    assertThat(pending.at("/evidence/expire").asText()).isEqualTo(first.at("/backup/label").asText());
    assertThat(pending.at("/evidence/why approval").asText()).contains("no restore drill has proven");
    second.signal("reject", Map.of("approver", "bob", "comment", "drill it first"));
    JsonNode rejected = JSON.valueToTree(second.getResult(2, TimeUnit.MINUTES, Map.class));
    assertThat(rejected.at("/report/outcome").asText()).isEqualTo("REJECTED");
  }

  @Test
  void anAgentKilledMidRestoreIsReplacedAndTheDrillStillPassesLeavingNothingBehind() throws Exception {
    stack.postgres().primary().psql("postgres", "CREATE TABLE IF NOT EXISTS crash AS SELECT g AS id, md5(g::text) AS v "
        + "FROM generate_series(1, 1500000) g");
    e2e.fullBackup();
    startProcesses();
    WorkflowStub run = start("RestoreDrill", "restore-drill:main:crash", Map.of("cluster", "main", "database",
        "postgres"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!e2e.running("restore")) {
      assertThat(System.nanoTime()).as("pgbackrest restore started").isLessThan(deadline);
      Thread.sleep(20);
    }
    for (var agent : List.copyOf(fixture.processes)) {
      if (agent.name().contains("pg1") && agent.isAlive()) {
        agent.kill();
      }
    }
    fixture.startAgent("pg1");

    JsonNode result = JSON.valueToTree(run.getResult(5, TimeUnit.MINUTES, Map.class));
    assertThat(result.at("/report/outcome").asText()).isEqualTo("COMPLETED");
    assertThat(result.at("/passed").asBoolean()).as(result.at("/checks").toString()).isTrue();
    assertThat(result.at("/checks").findValuesAsText("name")).contains("sentinel before the target present",
        "sentinel after the target absent");
    assertThat(e2e.running("restore")).as("no pgbackrest restore left running").isFalse();
    Path drills = stack.postgres().primary().dataDir().resolveSibling("pg-runbooks-drills");
    try (var left = Files.exists(drills) ? Files.list(drills) : java.util.stream.Stream.<Path>empty()) {
      assertThat(left).isEmpty();
    }
  }

  private static synchronized void startProcesses() {
    if (fixture.processes.isEmpty()) {
      fixture.startWorker();
      fixture.startAgent("pg1");
    }
  }

  private static WorkflowStub start(String type, String id, Map<String, String> input) {
    WorkflowStub run = fixture.client.newUntypedWorkflowStub(type, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build());
    run.start(input);
    return run;
  }

  private static JsonNode run(String type, String id, Map<String, String> input) throws Exception {
    return JSON.valueToTree(start(type, id, input).getResult(5, TimeUnit.MINUTES, Map.class));
  }

  private static JsonNode awaitPendingApproval(WorkflowStub run) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      JsonNode pending = JSON.valueToTree(run.query("progress", Map.class)).path("pendingApprovals");
      if (pending.size() > 0) {
        return pending.get(0);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no approval was asked within 3 minutes");
  }

  /** The drill history object the run's changes name, read from the bucket. */
  private static JsonNode drillRecord(String changes) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("drill history record (\\S+\\.json)").matcher(changes);
    assertThat(m.find()).as("changes %s", changes).isTrue();
    assertThat(m.group(1)).startsWith(PREFIX + "/.pg-runbooks/restore-drills/main/");
    try (S3Client s3 = S3Client.builder().endpointOverride(java.net.URI.create(stack.s3().endpoint().toString()))
        .region(Region.of(stack.s3().region())).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(stack.s3().accessKey(),
            stack.s3().secretKey()))).build()) {
      return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(stack.s3().bucket()).key(m.group(1))).asByteArray());
    }
  }
}
