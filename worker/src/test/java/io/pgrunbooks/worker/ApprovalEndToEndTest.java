package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.pgrunbooks.activities.approval.ApprovalActivitiesImpl;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.cli.RunbooksCli;
import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.approval.GatedTestInput;
import io.pgrunbooks.workflows.approval.GatedTestWorkflowImpl;
import io.pgrunbooks.workflows.approval.PartitionTestActivities;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The approval gate end to end on the real Temporal dev server: a test-only runbook with one
 * destructive step, approved or rejected the ways people do it (the {@code runbooks} CLI as a
 * process, {@code temporal workflow signal}), with the real approval-policy and notification
 * activities reading a real config, and a webhook receiving the notifications.
 */
class ApprovalEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final List<JsonNode> posted = new CopyOnWriteArrayList<>();

  private static LocalStack stack;
  private static HttpServer webhook;
  private static WorkflowServiceStubs service;
  private static WorkflowClient client;
  private static WorkerFactory factory;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    stack = SharedStack.get();
    dir = Files.createTempDirectory("pg-runbooks-approval-e2e");
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/hook", ex -> {
      posted.add(JSON.readTree(ex.getRequestBody()));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    webhook.start();
    RunbooksConfig config = ConfigLoader.parse("""
        temporal:
          target: %s
          uiUrl: http://127.0.0.1:8233
        clusters:
          main:
            credentials: {user: postgres}
            nodes:
              - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/unused}
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [dba, approver]}
            - {name: bob, roles: [approver]}
            - {name: carol, roles: [sre, approver]}
            - {name: dave, roles: [viewer]}
        notifications:
          webhookUrl: http://127.0.0.1:%d/hook
        """.formatted(stack.temporal().address(), webhook.getAddress().getPort()), Map.of(), "e2e");

    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporal().address()).build());
    client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(stack.temporal().namespace()).setDataConverter(DataConverters.jackson()).build());
    factory = WorkerFactory.newInstance(client);
    var worker = factory.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(GatedTestWorkflowImpl.class);
    worker.registerActivitiesImplementations(new ApprovalActivitiesImpl(config, Map.of()),
        new NotifyActivitiesImpl(config, Map.of()), new Partitions(),
        new io.pgrunbooks.workflows.replay.KeptReports());
    factory.start();
  }

  @AfterAll
  static void stop() {
    if (factory != null) {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (service != null) {
      service.shutdownNow();
    }
    if (webhook != null) {
      webhook.stop(0);
    }
  }

  @Test
  void approvalThroughTheCliRunsTheDestructiveStep() throws Exception {
    WorkflowStub run = startGated("public.metrics_2024_01", null);
    String requestId = awaitPendingApproval(run);
    assertThat(state(run)).isEqualTo("AWAITING_APPROVAL");

    Cli status = cli("status", id(run), "--address", stack.temporal().address());
    assertThat(status.exit).isZero();
    assertThat(status.out).contains(requestId).contains("runbooks approve").contains("temporal workflow signal");

    Cli refused = cli("approve", id(run), "--as", "carol", "--address", stack.temporal().address());
    assertThat(refused.exit).as(refused.out).isEqualTo(1);
    assertThat(refused.out).containsIgnoringCase("carol").containsIgnoringCase("requested");

    Cli approved = cli("approve", id(run), "--as", "alice", "--comment", "archive verified",
        "--address", stack.temporal().address());
    assertThat(approved.exit).as(approved.out).isZero();

    RunReport report = run.getResult(60, TimeUnit.SECONDS, RunReport.class);
    assertThat(report.outcome().name()).isEqualTo("COMPLETED");
    assertThat(report.changes()).contains("dropped public.metrics_2024_01");
    assertThat(report.approvals()).anySatisfy(a -> {
      assertThat(a.approver()).isEqualTo("alice");
      assertThat(a.decision()).isEqualTo("APPROVED");
      assertThat(a.comment()).isEqualTo("archive verified");
    });
    assertThat(state(run)).isEqualTo("COMPLETED");
    assertThat(Partitions.dropped).contains("public.metrics_2024_01");
    assertThat(headersPostedFor(id(run))).contains("Approval needed", "Completed");
  }

  @Test
  void approvalThroughTemporalWorkflowSignalRunsTheDestructiveStep() throws Exception {
    WorkflowStub run = startGated("public.metrics_2024_02", null);
    String requestId = awaitPendingApproval(run);

    ChildProcess signal = ChildProcess.start("temporal-signal", List.of(
        new Prerequisites().temporal().toString(), "workflow", "signal", "--address", stack.temporal().address(),
        "--workflow-id", id(run), "--name", "approve",
        "--input", "{\"requestId\":\"" + requestId + "\",\"approver\":\"bob\",\"comment\":\"from the CLI\"}"),
        Map.of(), dir.resolve("signal-" + UUID.randomUUID() + ".log"));
    assertThat(signal.waitFor(Duration.ofSeconds(30))).as(signal.logText()).isZero();

    RunReport report = run.getResult(60, TimeUnit.SECONDS, RunReport.class);
    assertThat(report.outcome().name()).isEqualTo("COMPLETED");
    assertThat(report.approvals()).anySatisfy(a -> assertThat(a.approver()).isEqualTo("bob"));
    assertThat(Partitions.dropped).contains("public.metrics_2024_02");
  }

  @Test
  void rejectionThroughTheCliLeavesThePartitionAndEndsRejected() throws Exception {
    WorkflowStub run = startGated("public.metrics_2024_03", null);
    awaitPendingApproval(run);

    Cli rejected = cli("reject", id(run), "--as", "bob", "--comment", "not before the audit",
        "--address", stack.temporal().address());
    assertThat(rejected.exit).as(rejected.out).isZero();

    RunReport report = run.getResult(60, TimeUnit.SECONDS, RunReport.class);
    assertThat(report.outcome().name()).isEqualTo("REJECTED");
    assertThat(report.changes()).contains("re-attached public.metrics_2024_03")
        .noneMatch(c -> c.startsWith("dropped"));
    assertThat(state(run)).isEqualTo("REJECTED");
    assertThat(Partitions.dropped).doesNotContain("public.metrics_2024_03");
    assertThat(Partitions.attached).contains("public.metrics_2024_03");
  }

  @Test
  void missedDeadlineEndsTimedOutWithNothingDropped() throws Exception {
    WorkflowStub run = startGated("public.metrics_2024_04", 3L);

    RunReport report = run.getResult(60, TimeUnit.SECONDS, RunReport.class);
    assertThat(report.outcome().name()).isEqualTo("TIMED_OUT");
    assertThat(state(run)).isEqualTo("TIMED_OUT");
    assertThat(Partitions.dropped).doesNotContain("public.metrics_2024_04");
    assertThat(Partitions.attached).contains("public.metrics_2024_04");
  }

  private static WorkflowStub startGated(String partition, Long timeoutSeconds) {
    WorkflowStub stub = client.newUntypedWorkflowStub("GatedTest", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId("gated-test:" + partition + ":" + UUID.randomUUID())
        .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
        .build());
    stub.start(new GatedTestInput(partition, false, "carol", "e2e", timeoutSeconds, false));
    return stub;
  }

  /** Polls the {@code progress} query until one approval is pending; returns its request id. */
  private static String awaitPendingApproval(WorkflowStub run) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      JsonNode progress = JSON.valueToTree(run.query("progress", Map.class));
      JsonNode pending = progress.at("/pendingApprovals");
      if (pending.size() == 1) {
        return pending.get(0).at("/requestId").asText();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no approval became pending for " + id(run));
  }

  private static String state(WorkflowStub run) {
    return run.describe().getTypedSearchAttributes().get(SearchAttributes.STATE);
  }

  private static String id(WorkflowStub run) {
    return run.getExecution().getWorkflowId();
  }

  /** Header words of the Slack-compatible notifications posted about one run (they arrive asynchronously). */
  private static Set<String> headersPostedFor(String workflowId) throws InterruptedException {
    Set<String> headers = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 100 && headers.size() < 2; i++) {
      for (JsonNode body : posted) {
        if (body.toString().contains(workflowId)) {
          for (String header : List.of("Approval needed", "Completed", "Failed")) {
            if (body.at("/text").asText().startsWith(header + ":")) {
              headers.add(header);
            }
          }
        }
      }
      Thread.sleep(100);
    }
    return headers;
  }

  private record Cli(int exit, String out) {}

  /** The {@code runbooks} CLI as its own process, as an operator runs it. */
  private static Cli cli(String... args) throws Exception {
    ChildProcess p = ChildProcess.startJava("runbooks", System.getProperty("java.class.path"),
        RunbooksCli.class.getName(), List.of(args), Map.of(), dir.resolve("cli-" + UUID.randomUUID() + ".log"));
    int exit = p.waitFor(Duration.ofSeconds(60));
    return new Cli(exit, p.logText());
  }

  /** The test runbook's stand-in for a database: which partitions are attached, detached, dropped. */
  static final class Partitions implements PartitionTestActivities {
    static final Set<String> attached = ConcurrentHashMap.newKeySet();
    static final Set<String> dropped = ConcurrentHashMap.newKeySet();

    @Override
    public long rowCount(String partition) {
      return 1000;
    }

    @Override
    public void detach(String partition) {
      attached.remove(partition);
    }

    @Override
    public void reattach(String partition) {
      attached.add(partition);
    }

    @Override
    public void drop(String partition, String planDigest) {
      dropped.add(partition);
    }
  }
}
