package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HealthCheck end to end: real Temporal dev server, the worker and node agents as processes,
 * started by workflow type name with the contract's JSON input, as a user would.
 */
class HealthCheckEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static WorkerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = new WorkerFixture();
    // The stack's data dirs share this host's filesystem, whose fill level is not the test's to assert.
    Files.writeString(fixture.config, WorkerFixture.configYaml(fixture.stack, fixture.metricsPort).replace(
        "    credentials:\n", "    health: {diskDegradedPercent: 99, diskUnhealthyPercent: 100}\n    credentials:\n"));
    fixture.startAll();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void healthyClusterIsReportedWithSearchAttributesAndStoppedReplicaIsUnhealthy() throws Exception {
    WorkflowStub first = startHealthCheck();
    JsonNode report = JSON.valueToTree(first.getResult(60, TimeUnit.SECONDS, Map.class));

    assertThat(report.at("/report/outcome").asText()).isEqualTo("COMPLETED");
    assertThat(report.at("/report/runbook").asText()).isEqualTo("HealthCheck");
    assertThat(report.at("/status").asText()).as(report.toPrettyString()).isEqualTo("HEALTHY");
    assertThat(report.at("/primary").asText()).isEqualTo("pg1");
    assertThat(report.at("/nodes")).hasSize(2);
    for (JsonNode node : report.at("/nodes")) {
      // The disk facts came from the node agent on its own task queue.
      assertThat(node.at("/disk/dataDirBytes").asLong()).as(node.at("/node").asText()).isPositive();
      assertThat(node.at("/facts/reachable").asBoolean()).isTrue();
    }
    assertThat(roleOf(report, "pg2")).isEqualTo("REPLICA");

    io.temporal.common.SearchAttributes attrs = first.describe().getTypedSearchAttributes();
    assertThat(attrs.get(SearchAttributes.TYPE)).isEqualTo("HealthCheck");
    assertThat(attrs.get(SearchAttributes.CLUSTER)).isEqualTo("main");
    assertThat(attrs.get(SearchAttributes.TARGET)).isEqualTo("main");
    assertThat(attrs.get(SearchAttributes.STATE)).isEqualTo("COMPLETED");
    assertThat(attrs.get(SearchAttributes.DRY_RUN)).isFalse();

    PostgresNode replica = fixture.stack.postgres().node("pg2");
    replica.stop();
    try {
      WorkflowStub second = startHealthCheck();
      JsonNode unhealthy = JSON.valueToTree(second.getResult(90, TimeUnit.SECONDS, Map.class));
      assertThat(unhealthy.at("/report/outcome").asText()).isEqualTo("COMPLETED");
      assertThat(unhealthy.at("/status").asText()).isEqualTo("UNHEALTHY");
      JsonNode pg2 = nodeOf(unhealthy, "pg2");
      assertThat(pg2.at("/status").asText()).isEqualTo("UNHEALTHY");
      assertThat(pg2.at("/facts/reachable").asBoolean()).isFalse();
    } finally {
      replica.start();
      fixture.stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
    }
  }

  @Test
  void databasePasswordAppearsNowhereInHistoryResultOrLogs() throws Exception {
    WorkflowStub run = startHealthCheck();
    Object result = run.getResult(60, TimeUnit.SECONDS, Map.class);
    String history = fixture.client.fetchHistory(run.getExecution().getWorkflowId(),
        run.getExecution().getRunId()).toJson(true);

    assertThat(history).contains("HealthCheck").doesNotContain(SharedStack.PASSWORD);
    assertThat(JSON.writeValueAsString(result)).doesNotContain(SharedStack.PASSWORD);
    assertThat(fixture.allLogs()).doesNotContain(SharedStack.PASSWORD);
  }

  @Test
  void workerServesHealthAndPrometheusMetrics() throws Exception {
    startHealthCheck().getResult(60, TimeUnit.SECONDS, Map.class);
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + fixture.metricsPort;

    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    // The default worker polls both queues (worker.queues: [central, heavy]).
    assertThat(JSON.readTree(health.body()).at("/taskQueue").asText())
        .isEqualTo(TaskQueues.CENTRAL + "," + TaskQueues.HEAVY);
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).at("/temporal").asText()).isEqualTo("SERVING");
    HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(base + "/livez")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(live.body()).at("/mode").asText()).isEqualTo("worker");

    // SDK and runbook metrics are reported every 10 s; the JVM ones at once.
    String metrics = "";
    for (int i = 0; i < 30 && !metrics.contains("runbooks_runs_finished_total"); i++) {
      metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      if (!metrics.contains("runbooks_runs_finished_total")) {
        Thread.sleep(1000);
      }
    }
    assertThat(metrics).contains("jvm_memory_used_bytes").contains("temporal_");
    assertThat(metrics.lines().filter(l -> l.startsWith("runbooks_runs_finished_total{"))
        .filter(l -> l.contains("runbook=\"HealthCheck\"") && l.contains("outcome=\"COMPLETED\"")))
        .as(metrics).isNotEmpty();
    assertThat(metrics).contains("runbooks_last_success_timestamp_seconds").contains("runbooks_run_duration_seconds");
    // The dashboard's queries name only metrics a worker exports: those a HealthCheck run, the JVM,
    // the SDK and the approval gauges give are in this live scrape (`up` is Prometheus' own; the
    // result-driven ones are checked in RunMetricsInterceptorTest).
    java.util.Set<String> liveNames = io.pgrunbooks.worker.metrics.DashboardMetrics.scraped(metrics);
    java.util.Set<String> resultDriven = java.util.Set.of("runbooks_approval_decisions_total",
        "runbooks_archive_bytes_total", "runbooks_archive_rows_total", "runbooks_drill_time_to_promote_seconds",
        "runbooks_drill_write_unavailable_seconds", "runbooks_partition_creations_total",
        "runbooks_partition_drops_total");
    assertThat(io.pgrunbooks.worker.metrics.DashboardMetrics.names().stream()
        .filter(n -> !n.equals("up") && !resultDriven.contains(n)).toList())
        .isNotEmpty().allMatch(liveNames::contains, "in the live scrape");
  }

  private static WorkflowStub startHealthCheck() {
    WorkflowStub stub = fixture.client.newUntypedWorkflowStub("HealthCheck", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId("health-check:main:" + UUID.randomUUID())
        .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
        .build());
    stub.start(Map.of("cluster", "main"));
    return stub;
  }

  private static JsonNode nodeOf(JsonNode result, String node) {
    for (JsonNode n : result.at("/nodes")) {
      if (node.equals(n.at("/node").asText())) {
        return n;
      }
    }
    throw new AssertionError("no node " + node + " in " + result.toPrettyString());
  }

  private static String roleOf(JsonNode result, String node) {
    return nodeOf(result, node).at("/role").asText();
  }
}
