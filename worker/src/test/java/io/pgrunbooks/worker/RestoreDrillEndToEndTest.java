package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PgBackRestStack;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RestoreDrill through the public contract on a stack of its own (primary only, archiving to pgBackRest over HTTPS):
 * a worker and the node agent as processes, a real restore into a scratch instance, the sentinels checked, the
 * scratch instance gone afterwards.
 */
class RestoreDrillEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static LocalStack stack;
  private static PgBackRestStack pgbackrest;
  private static WorkerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    Path base = Files.createTempDirectory("runbooks-drill-e2e-");
    PgBackRestStack.writeArchiveSettings(base, List.of("pg1"), "main");
    stack = LocalStack.start(LocalStackOptions.defaults(base).withPassword(SharedStack.PASSWORD).withReplicas(List.of()));
    pgbackrest = PgBackRestStack.configure(stack, "main", "/pgbackrest/drill-e2e", null);
    fixture = new WorkerFixture(stack);
    Files.writeString(fixture.config, WorkerFixture.configYaml(stack, fixture.metricsPort) + """
            pgbackrest:
              stanza: main
              configFile: %s
              repoPath: /pgbackrest/drill-e2e
              rtoObjective: 10m
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
  void aScheduledStyleDrillRestoresToItsSentinelsAndRemovesTheScratchInstance() throws Exception {
    stack.postgres().primary().psql("postgres", "CREATE TABLE quiet AS SELECT g AS id FROM generate_series(1, 5000) g");
    pgbackrest.run(Duration.ofMinutes(5), "--type=full", "--repo1-path=/pgbackrest/drill-e2e", "backup");
    fixture.startWorker();
    fixture.startAgent("pg1");
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
}
