package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PhysicalBackup through the public contract on a stack of its own (primary only, archiving to pgBackRest over
 * HTTPS): the node agent is killed (SIGKILL) while pgBackRest copies files, a new agent takes over, and the
 * run ends with exactly one full backup, annotated with the run.
 */
class PhysicalBackupEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static PgBackRestEndToEnd e2e;
  private static LocalStack stack;
  private static PgBackRestStack pgbackrest;
  private static WorkerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    e2e = PgBackRestEndToEnd.start("backup", o -> o.withReplicas(List.of()));
    stack = e2e.stack;
    pgbackrest = e2e.pgbackrest;
    fixture = e2e.fixture;
    e2e.writeConfig("", "", "");
  }

  @AfterAll
  static void stop() {
    if (e2e != null) {
      e2e.close();
    }
  }

  @Test
  void anAgentKilledMidBackupEndsWithExactlyOneAnnotatedFullBackup() throws Exception {
    stack.postgres().primary().psql("postgres", "CREATE TABLE bulk AS SELECT g AS id, md5(g::text) AS v "
        + "FROM generate_series(1, 1500000) g");
    fixture.startWorker();
    ChildProcess agent = fixture.startAgent("pg1");
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("PhysicalBackup", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("physical-backup:main").build());
    run.start(Map.of("cluster", "main", "type", "incr"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!e2e.running("backup")) {
      assertThat(System.nanoTime()).as("pgbackrest backup started").isLessThan(deadline);
      Thread.sleep(50);
    }
    agent.kill();
    fixture.startAgent("pg1");

    JsonNode result = JSON.valueToTree(run.getResult(4, TimeUnit.MINUTES, Map.class));
    assertThat(result.at("/report/outcome").asText()).isEqualTo("COMPLETED");
    assertThat(result.at("/node").asText()).isEqualTo("pg1");
    // The default incremental became full: the repository held no full backup.
    assertThat(result.at("/backup/type").asText()).isEqualTo("full");
    String label = result.at("/backup/label").asText();
    JsonNode info = JSON.readTree(pgbackrest.infoJson()).get(0).get("backup");
    assertThat(info).hasSize(1);
    assertThat(info.get(0).get("label").asText()).isEqualTo(label);
    assertThat(info.get(0).at("/annotation/pg-runbooks-run").asText()).startsWith("physical-backup:main/");
    assertThat(result.at("/backup/walStart").asText()).matches("[0-9A-F]{24}");
  }

  @Test
  void aClusterWithoutPgBackRestFailsBeforeAnyBackup() throws Exception {
    fixture.processes.stream().filter(p -> p.name().equals("worker")).findAny().orElseGet(fixture::startWorker);
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("PhysicalBackup", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("physical-backup:nope").build());
    run.start(Map.of("cluster", "nope"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.getResult(1, TimeUnit.MINUTES, Map.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause().hasMessageContaining("unknown cluster 'nope'");
  }
}
