package io.pgrunbooks.worker;

import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.StackYaml;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * End-to-end fixture: the shared local stack (real Temporal dev server, PostgreSQL primary and
 * replica, PgBouncer, S3 store), a config file describing it, and the worker plus one node agent
 * per node running as separate JVM processes, exactly as deployed.
 */
public final class WorkerFixture implements AutoCloseable {
  static final String PASSWORD_ENV = "RUNBOOKS_PG_PASSWORD";

  public final LocalStack stack;
  public final Path dir;
  public final Path config;
  public final int metricsPort;
  public final List<ChildProcess> processes = new ArrayList<>();
  public final WorkflowServiceStubs service;
  public final WorkflowClient client;
  /** Main class of the worker and agent processes launched from now on (the crash sweep swaps in its own). */
  public String mainClass = WorkerMain.class.getName();

  public WorkerFixture() throws IOException {
    this(SharedStack.get());
  }

  /** A fixture on {@code stack} (e.g. a stack of its own for tests that move the primary). */
  public WorkerFixture(LocalStack stack) throws IOException {
    this.stack = stack;
    dir = Files.createTempDirectory("pg-runbooks-e2e");
    config = dir.resolve("runbooks.yml");
    metricsPort = Prerequisites.freePort();
    Files.writeString(config, configYaml(stack, metricsPort));
    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporal().address()).build());
    client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(stack.temporal().namespace())
        .setDataConverter(DataConverters.jackson())
        .build());
  }

  public static String configYaml(LocalStack stack, int metricsPort) {
    String nodes = StackYaml.nodes(stack);
    return """
        temporal:
          target: %s
          namespace: %s
        worker:
          metricsPort: %d
          agentStartTimeout: 10s
        clusters:
          main:
            credentials:
              user: postgres
              passwordEnv: %s
            nodes:
        %s
        """.formatted(stack.temporal().address(), stack.temporal().namespace(), metricsPort, PASSWORD_ENV, nodes);
  }

  /** The {@code archive} section for the stack's S3 store, objects under {@code prefix}; keys from the environment. */
  public static String archiveYaml(LocalStack stack, String prefix) {
    return """
        archive:
          bucket: %s
          prefix: %s
          endpoint: %s
          region: %s
          forcePathStyle: true
          accessKeyEnv: RUNBOOKS_S3_ACCESS_KEY
          secretKeyEnv: RUNBOOKS_S3_SECRET_KEY
        """.formatted(stack.s3().bucket(), prefix, stack.s3().endpoint(), stack.s3().region());
  }

  /** Starts the central worker and an agent for every node; returns when all of them poll. */
  public void startAll() {
    startWorker();
    for (PostgresNode node : stack.postgres().nodes()) {
      startAgent(node.name());
    }
  }

  public ChildProcess startWorker() {
    return launch("worker", List.of("worker", "--config", config.toString()));
  }

  public ChildProcess startAgent(String node) {
    return launch("agent-" + node, List.of("agent", "--node", node, "--config", config.toString()));
  }

  private ChildProcess launch(String name, List<String> args) {
    ChildProcess p = ChildProcess.startJava(name, System.getProperty("java.class.path"),
        mainClass, args, Map.of(PASSWORD_ENV, SharedStack.PASSWORD,
            "RUNBOOKS_S3_ACCESS_KEY", stack.s3().accessKey(), "RUNBOOKS_S3_SECRET_KEY", stack.s3().secretKey()),
        dir.resolve(logName(name)));
    processes.add(p);
    p.awaitLog("polling task queue", Duration.ofSeconds(60));
    return p;
  }

  /** A log of its own for every launch: a restarted process must not find its predecessor's "polling" line. */
  private String logName(String name) {
    long earlier = processes.stream().filter(p -> p.name().equals(name)).count();
    return earlier == 0 ? name + ".log" : name + "-" + (earlier + 1) + ".log";
  }

  /** Everything the worker and agents logged so far. */
  public String allLogs() {
    StringBuilder text = new StringBuilder();
    for (ChildProcess p : processes) {
      text.append(p.logText());
    }
    return text.toString();
  }

  @Override
  public void close() {
    processes.forEach(ChildProcess::stop);
    service.shutdown();
  }
}
