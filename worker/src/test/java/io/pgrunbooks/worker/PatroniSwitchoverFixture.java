package io.pgrunbooks.worker;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PatroniServers;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The Patroni mode of the local stack (etcd, a Patroni per node, PgBouncer in front of the leader), its config with
 * {@code topology: patroni}, PgBouncer driven by pg1's agent, drill settings, S3 and two approvers, and the worker
 * plus agents as processes. Shared by the Patroni switchover e2e test and its benchmark.
 */
final class PatroniSwitchoverFixture implements AutoCloseable {
  final LocalStack stack;
  final WorkerFixture workers;
  final PatroniServers patroni;

  PatroniSwitchoverFixture() throws IOException {
    stack = PatroniE2e.start("runbooks-patroni-switchover-");
    workers = new WorkerFixture(stack);
    patroni = stack.postgres().patroni();
    StringBuilder section = new StringBuilder(PatroniE2e.patroniSection(stack))
        .append(FailoverFixture.bouncerAndRebuildYaml(stack)).append("""
            failover:
              replayTimeout: 10s
              promoteTimeout: 30s
              drill:
                sentinelRows: 10
            credentials:
        """);
    Files.writeString(workers.config, WorkerFixture.configYaml(stack, workers.metricsPort)
        .replace("    credentials:\n", section.toString()) + WorkerFixture.archiveYaml(stack, "patroni-e2e")
        + FailoverFixture.TWO_APPROVERS_YAML);
    workers.startAll();
  }

  PostgresNode node(String name) {
    return stack.postgres().node(name);
  }

  <T extends Runbook> T stub(Class<T> type, String id) {
    return workers.client.newWorkflowStub(type, WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(id + ":" + System.nanoTime()).build());
  }

  /** A connection to whichever node is writable, as an application without a proxy reaches a Patroni cluster. */
  Connection connectToPrimary() throws SQLException {
    String hosts = stack.postgres().nodes().stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", SharedStack.PASSWORD);
    p.setProperty("targetServerType", "primary");
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://" + hosts + "/postgres", p);
  }

  /** {@code PATCH /config} on pg1's Patroni with the REST API's Basic auth; the HTTP status. */
  int patchConfig(String json) throws IOException, InterruptedException {
    String password = Files.readString(patroni.passwordFile()).strip();
    HttpRequest request = HttpRequest.newBuilder(URI.create(patroni.restUrl("pg1") + "/config"))
        .header("Content-Type", "application/json")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((PatroniServers.REST_USER + ":"
            + password).getBytes(StandardCharsets.UTF_8)))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(10)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** Waits until Patroni's {@code pause} is {@code paused}. */
  void awaitPaused(boolean paused) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (patroni.get("pg1", "/cluster").path("pause").asBoolean(false) != paused) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Patroni's pause did not become " + paused + " within 30 s");
      }
      Thread.sleep(100);
    }
  }

  /** Node {@code name}'s Patroni YAML, for patronictl. */
  Path patroniYaml(String name) {
    return patroni.passwordFile().getParent().resolve(name + ".yml");
  }

  @Override
  public void close() {
    workers.close();
    stack.close();
  }
}
