package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowFailedException;
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

/**
 * PhysicalBackup through the public contract on a stack of its own (primary only, archiving to pgBackRest over
 * HTTPS): the node agent is killed (SIGKILL) while pgBackRest copies files, a new agent takes over, and the
 * run ends with exactly one full backup, annotated with the run.
 */
class PhysicalBackupEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static LocalStack stack;
  private static PgBackRestStack pgbackrest;
  private static WorkerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    Path base = Files.createTempDirectory("runbooks-pitr-e2e-");
    PgBackRestStack.writeArchiveSettings(base, List.of("pg1"), "main");
    stack = LocalStack.start(LocalStackOptions.defaults(base).withPassword(SharedStack.PASSWORD).withReplicas(List.of()));
    pgbackrest = PgBackRestStack.configure(stack, "main", "/pgbackrest/e2e", null);
    fixture = new WorkerFixture(stack);
    Files.writeString(fixture.config, WorkerFixture.configYaml(stack, fixture.metricsPort) + """
            pgbackrest:
              stanza: main
              configFile: %s
              repoPath: /pgbackrest/e2e
        """.formatted(pgbackrest.configFile()));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (stack != null) {
      stack.close();
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
    while (!backupRunning()) {
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

  private static boolean backupRunning() {
    return ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
        .map(c -> c.contains("pgbackrest") && c.contains(pgbackrest.configFile().toString()) && c.endsWith(" backup"))
        .orElse(false));
  }
}
