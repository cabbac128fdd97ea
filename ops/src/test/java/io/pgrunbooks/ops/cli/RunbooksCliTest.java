package io.pgrunbooks.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code runbooks} CLI run in-process against the real Temporal dev server of the shared
 * stack, with {@link FakeHealthCheck} as the only worker on {@code pg-runbooks} in this JVM.
 */
class RunbooksCliTest {
  private static LocalStack stack;
  private static WorkflowServiceStubs service;
  private static WorkflowClient client;
  private static WorkerFactory factory;
  private static final List<String> started = new ArrayList<>();

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void startWorker() {
    stack = SharedStack.get();
    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporal().address()).build());
    client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(stack.temporal().namespace()).setDataConverter(DataConverters.jackson()).build());
    factory = WorkerFactory.newInstance(client);
    factory.newWorker(TaskQueues.CENTRAL).registerWorkflowImplementationTypes(FakeHealthCheck.class);
    factory.start();
  }

  @AfterAll
  static void stopWorker() {
    for (String id : started) {
      try {
        WorkflowStub stub = client.newUntypedWorkflowStub(id);
        if (stub.describe().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          stub.terminate("test over");
        }
      } catch (RuntimeException ignored) {
        // best effort: the dev server is this JVM's own
      }
    }
    factory.shutdownNow();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    service.shutdown();
  }

  @Test
  void startPrintsIdsAndUiLink() {
    String cluster = cluster("quick");
    Run r = cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + cluster + "\"}", "--as", "alice",
        "--reason", "weekly check", "--ui-url", "http://ui.example:8233/");

    assertThat(r.code()).as(r.all()).isZero();
    String id = "health-check:" + cluster;
    var description = client.newUntypedWorkflowStub(id).describe();
    assertThat(r.out()).contains("workflow id  " + id)
        .contains("run id       " + description.getExecution().getRunId())
        .contains("http://ui.example:8233/namespaces/default/workflows/" + id);
    assertThat(description.getWorkflowType()).isEqualTo("HealthCheck");
    assertThat(description.getTaskQueue()).isEqualTo("pg-runbooks");
    assertThat(description.getStaticSummary()).isEqualTo("HealthCheck of " + cluster
        + ", requested by alice: weekly check");
    JsonNode report = client.newUntypedWorkflowStub(id).getResult(JsonNode.class).path("report");
    assertThat(report.path("summary").asText()).isEqualTo("cluster " + cluster
        + " is HEALTHY (requested by alice) because weekly check");
  }

  @Test
  void startWaitPrintsReportSummary() {
    String cluster = cluster("quick");
    Run r = cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + cluster + "\"}", "--dry-run", "--wait");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("outcome: COMPLETED")
        .contains("summary: cluster " + cluster + " is HEALTHY [dry run]");
    assertThat(client.newUntypedWorkflowStub("health-check:" + cluster).describe().getStaticSummary())
        .isEqualTo("HealthCheck of " + cluster + " (dry run)");
  }

  @Test
  void startWaitOfAFailingRunExitsOneWithTheReasonInPlainWords() {
    String cluster = cluster("fail");
    Run r = cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + cluster + "\"}", "--wait");

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).contains("outcome: FAILED");
    assertThat(r.err()).contains("health-check:" + cluster + " failed: cluster " + cluster
        + " has no reachable primary").doesNotContain("Exception").doesNotContain("type=");
  }

  @Test
  void startRefusesUnknownTypeListingTheValidOnes() {
    Run r = cli("start", "HealthChek", "--input", "{\"cluster\": \"main\"}");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown workflow type \"HealthChek\"")
        .contains("PartitionMaintenance, ArchivePartition, RestorePartition, ReplicaRebuild, Failover, "
            + "FailoverDrill, Backup, BackupVerification, HealthCheck");
  }

  @Test
  void startHelpListsEveryRunbookOfTheRegistry() {
    Run r = rawCli("start", "--help");

    assertThat(r.code()).isZero();
    assertThat(r.out().replaceAll("\\s+", " ")).contains("One of: " + String.join(", ",
        io.pgrunbooks.workflows.registry.Runbooks.types()) + ".");
  }

  @Test
  void startRefusesBadJson() {
    Run broken = cli("start", "HealthCheck", "--input", "{\"cluster\": main}");
    assertThat(broken.code()).isEqualTo(2);
    assertThat(broken.err()).contains("--input is not valid JSON at line 1, column").contains("main");

    Run array = cli("start", "HealthCheck", "--input", "[\"main\"]");
    assertThat(array.code()).isEqualTo(2);
    assertThat(array.err()).contains("--input must be a JSON object");
  }

  @Test
  void startRefusesMissingRequiredField() {
    Run r = cli("start", "PartitionMaintenance", "--input", "{\"cluster\": \"main\"}");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("PartitionMaintenance needs field \"database\" in --input");

    Run restore = cli("start", "RestorePartition", "--input",
        "{\"cluster\": \"main\", \"database\": \"app\", \"manifestKey\": \"k\"}");
    assertThat(restore.code()).isEqualTo(2);
    assertThat(restore.err()).contains("\"targetTable\"").contains("--id");
  }

  @Test
  void startRefusesUnknownFieldsAndWrongTypesBeforeConnecting() {
    Run r = cli("start", "Failover", "--input",
        "{\"cluster\": \"main\", \"promote\": \"pg2\", \"reason\": \"x\", \"forse\": true, \"force\": \"yes\"}");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown input field \"forse\" for Failover; did you mean \"force\"? Its fields: "
        + "cluster, promote, force, reason, requestedBy, dryRun")
        .contains("field \"force\" of Failover must be true or false, got \"yes\"");

    Run archive = cli("start", "ArchivePartition", "--input",
        "{\"cluster\": \"main\", \"database\": \"app\", \"partition\": \"public.t_2025_01\", \"dryrun\": true}");
    assertThat(archive.code()).isEqualTo(2);
    assertThat(archive.err()).contains("unknown input field \"dryrun\" for ArchivePartition; did you mean \"dryRun\"?");

    Run sessions = cli("start", "TerminateSessions", "--input", "{\"cluster\": \"main\", \"maxSessions\": \"ten\"}");
    assertThat(sessions.code()).isEqualTo(2);
    assertThat(sessions.err()).contains("field \"maxSessions\" of TerminateSessions must be a whole number, got \"ten\"");
  }

  @Test
  void startOfARunningIdSaysWhichRunHoldsIt() {
    String cluster = cluster("gated");
    Run first = start(cluster, "alice");
    String runId = client.newUntypedWorkflowStub("health-check:" + cluster).describe().getExecution().getRunId();

    Run second = cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + cluster + "\"}", "--as", "bob");

    assertThat(first.code()).isZero();
    assertThat(second.code()).isEqualTo(1);
    assertThat(second.err()).contains("health-check:" + cluster + " is already running (run id " + runId)
        .contains("HealthCheck of " + cluster + ", requested by alice");
  }

  @Test
  void statusShowsPendingApprovalAndCommands() {
    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run r = cli("status", id);

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("summary      HealthCheck of " + cluster + ", requested by alice")
        .contains("state        AWAITING_APPROVAL")
        .contains("current step approval")
        .containsPattern("inspect +DONE +\\S+Z +\\S+Z +2 nodes answered")
        .contains("drop-1: drop partition public.t_2025_01 on " + cluster)
        .contains("rows=42").contains("sha256=abc123").doesNotContain("drop-2")
        .contains("approvals:  0 of 1; roles allowed: dba")
        .containsPattern("deadline: +\\S+Z \\((59m \\d+s|1h 0m) left\\)")
        .contains("plan:       digest digest-1")
        .contains("to decide:\n      runbooks approve " + id + " --request drop-1 --as <name>\n")
        .contains("add --address " + stack.temporal().address() + " to these commands");
  }

  @Test
  void statusWritesTheCommandsWhenTheRunListsNone() {
    String cluster = cluster("gated2");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run r = cli("status", id);

    assertThat(r.out()).contains("Pending approvals (2):")
        .contains("runbooks approve " + id + " --request drop-2 --as <name>")
        .contains("runbooks reject " + id + " --request drop-2 --as <name> --comment '<why>'")
        .contains("temporal workflow signal --workflow-id " + id + " --name approve --input "
            + "'{\"requestId\": \"drop-1\", \"approver\": \"<name>\"}'");
  }

  @Test
  void statusOfAClosedRunShowsItsReportOrFailure() {
    String quick = cluster("quick");
    assertThat(cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + quick + "\"}", "--wait").code()).isZero();
    Run done = cli("status", "health-check:" + quick);
    assertThat(done.code()).isZero();
    assertThat(done.out()).contains("(Temporal: COMPLETED)").contains("Result: COMPLETED")
        .contains("summary: cluster " + quick + " is HEALTHY");

    String failing = cluster("fail");
    cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + failing + "\"}", "--wait");
    Run failed = cli("status", "health-check:" + failing);
    assertThat(failed.code()).isZero();
    assertThat(failed.out()).contains("(Temporal: FAILED)")
        .contains("Failed: cluster " + failing + " has no reachable primary");

    Run missing = cli("status", "health-check:no-such-cluster");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).contains("health-check:no-such-cluster");
  }

  @Test
  void statusJsonIsMachineReadable() throws Exception {
    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run r = cli("status", id, "--json");

    assertThat(r.code()).as(r.all()).isZero();
    JsonNode json = DataConverters.objectMapper().readTree(r.out());
    assertThat(json.path("workflowId").asText()).isEqualTo(id);
    assertThat(json.path("runId").asText()).isNotBlank();
    assertThat(json.path("type").asText()).isEqualTo("HealthCheck");
    assertThat(json.path("temporalStatus").asText()).isEqualTo("RUNNING");
    assertThat(json.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(json.path("currentStep").asText()).isEqualTo("approval");
    assertThat(json.path("steps").get(0).path("name").asText()).isEqualTo("inspect");
    JsonNode pending = json.path("pendingApprovals").get(0);
    assertThat(pending.path("requestId").asText()).isEqualTo("drop-1");
    assertThat(pending.path("evidence").path("rows").asText()).isEqualTo("42");
    assertThat(pending.path("approvalsNeeded").asInt()).isEqualTo(1);
    assertThat(pending.path("deadline").asText()).endsWith("Z");
  }

  @Test
  void listFiltersByStateAndCluster() {
    String gated = cluster("gated");
    String quick = cluster("quick");
    start(gated, "alice");
    assertThat(cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + quick + "\"}", "--wait").code()).isZero();

    Run awaiting = eventually(() -> cli("list", "--state", "AWAITING_APPROVAL", "--cluster", gated),
        r -> r.out().contains("health-check:" + gated));
    assertThat(awaiting.code()).isZero();
    assertThat(awaiting.out()).containsPattern("health-check:" + gated + " +HealthCheck +" + gated + " +" + gated
        + " +AWAITING_APPROVAL +\\S+Z").contains("1 run").doesNotContain(quick);

    Run completed = eventually(() -> cli("list", "--cluster", quick, "--type", "HealthCheck"),
        r -> r.out().contains("COMPLETED"));
    assertThat(completed.out()).contains("health-check:" + quick).doesNotContain(gated);

    Run none = cli("list", "--state", "awaiting_approval", "--cluster", quick);
    assertThat(none.code()).isZero();
    assertThat(none.out()).contains("no runs match");

    Run bad = cli("list", "--state", "WAITING");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("RUNNING, AWAITING_APPROVAL, COMPLETED, REJECTED, TIMED_OUT, FAILED");
  }

  @Test
  void approveWithOmittedRequestUsesTheOnlyPending() {
    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run r = cli("approve", id, "--as", "bob", "--comment", "checked the archive");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("using request drop-1 (drop partition public.t_2025_01), the only approval pending")
        .contains("approved drop-1 on " + id + " as bob").contains("outcome: APPROVED");
    JsonNode report = client.newUntypedWorkflowStub(id).getResult(JsonNode.class).path("report");
    assertThat(report.path("outcome").asText()).isEqualTo("COMPLETED");
    assertThat(report.path("approvals").get(0).path("approver").asText()).isEqualTo("bob");
    assertThat(report.path("approvals").get(0).path("comment").asText()).isEqualTo("checked the archive");
  }

  @Test
  void approveWithSeveralPendingRefusesWithTheList() {
    String cluster = cluster("gated2");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run r = cli("approve", id, "--as", "bob");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("2 approvals are pending on " + id)
        .contains("--request drop-1   drop partition public.t_2025_01")
        .contains("--request drop-2   drop partition public.t_2025_02");

    Run explicit = cli("approve", id, "--request", "drop-2", "--as", "bob");
    assertThat(explicit.code()).as(explicit.all()).isZero();
    assertThat(client.newUntypedWorkflowStub(id).query("progress", Progress.class).pendingApprovals())
        .extracting(p -> p.requestId()).containsExactly("drop-1");
    // The decision shows while the run still waits for the other one.
    assertThat(cli("status", id).out()).contains("Pending approvals (1):")
        .containsPattern("Decisions so far:\n  decision: APPROVED of drop-2 by bob at ");
  }

  @Test
  void refusedDecisionPrintsReasonAndExitsOne() {
    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run self = cli("approve", id, "--request", "drop-1", "--as", "alice");
    assertThat(self.code()).isEqualTo(1);
    assertThat(self.err()).isEqualToIgnoringNewLines("approval of drop-1 on " + id
        + " refused: alice requested this run and cannot approve it");

    Run unknown = cli("approve", id, "--request", "drop-9", "--as", "bob");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("refused: unknown or already decided request drop-9");

    assertThat(client.newUntypedWorkflowStub(id).query("progress", Progress.class).state())
        .isEqualTo(RunbookState.AWAITING_APPROVAL);
  }

  @Test
  void signedDecisionCarriesASignatureOverThePlanDigest() {
    String cluster = cluster("signed");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run unsigned = cli("approve", id, "--as", "bob");
    assertThat(unsigned.code()).isEqualTo(1);
    assertThat(unsigned.err()).contains("refused: decisions on this runbook must be signed");

    Run unset = cli(Map.of(), "approve", id, "--as", "bob", "--sign-key-env", "RUNBOOKS_SIGNING_KEY");
    assertThat(unset.code()).isEqualTo(2);
    assertThat(unset.err()).contains("environment variable RUNBOOKS_SIGNING_KEY is not set");

    Run signed = cli(Map.of("RUNBOOKS_SIGNING_KEY", FakeHealthCheck.SIGNING_KEY),
        "approve", id, "--as", "bob", "--sign-key-env", "RUNBOOKS_SIGNING_KEY");
    assertThat(signed.code()).as(signed.all()).isZero();
    assertThat(signed.out()).contains("approved drop-1 on " + id + " as bob (signed)");
    assertThat(client.newUntypedWorkflowStub(id).getResult(JsonNode.class).path("report").path("outcome").asText())
        .isEqualTo("COMPLETED");
  }

  @Test
  void rejectRequiresComment() {
    Run r = rawCli("reject", "health-check:anything", "--as", "bob", "--address", "127.0.0.1:1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("reject needs --comment");

    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);
    Run rejected = cli("reject", id, "--as", "bob", "--comment", "row count looks wrong");
    assertThat(rejected.code()).as(rejected.all()).isZero();
    assertThat(rejected.out()).contains("rejected drop-1 on " + id + " as bob");
    JsonNode report = client.newUntypedWorkflowStub(id).getResult(JsonNode.class).path("report");
    assertThat(report.path("outcome").asText()).isEqualTo("REJECTED");
    assertThat(report.path("approvals").get(0).path("comment").asText()).isEqualTo("row count looks wrong");
  }

  @Test
  void unreadableTlsMaterialIsAUsageErrorBeforeAnyConnection() {
    Run half = rawCli("status", "health-check:main", "--tls-cert", "/nonexistent/client.pem");
    assertThat(half.code()).isEqualTo(2);
    assertThat(half.err()).contains("--tls-cert and --tls-key go together");

    Run missing = rawCli("status", "health-check:main", "--tls-cert", "/nonexistent/client.pem",
        "--tls-key", "/nonexistent/client.key");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot load TLS material").contains("/nonexistent/client.pem");
  }

  @Test
  void unreachableTemporalExitsThree() {
    String address = "127.0.0.1:" + Prerequisites.freePort();
    Run r = rawCli("status", "health-check:main", "--address", address, "--connect-timeout", "1");

    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("cannot reach Temporal at " + address);

    Run ns = cli("list", "--namespace", "no-such-namespace");
    assertThat(ns.code()).isEqualTo(3);
    assertThat(ns.err()).contains("namespace no-such-namespace does not exist");
  }

  @Test
  void startWaitShowsProgressAndThePendingApprovalUntilTheRunEnds() throws Exception {
    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    Run[] waited = new Run[1];
    Thread waiter = new Thread(() -> waited[0] = cli("start", "HealthCheck", "--input",
        "{\"cluster\": \"" + cluster + "\"}", "--as", "alice", "--wait"));
    waiter.start();
    eventually(() -> new Run(0, String.valueOf(statusOrNull(id)), ""), r -> r.out().equals("AWAITING_APPROVAL"));
    // The waiting CLI polls every 2 s: give it one look at the pending approval before deciding.
    sleep(4500);
    assertThat(cli("approve", id, "--as", "bob").code()).isZero();
    waiter.join(30_000);

    Run r = waited[0];
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("AWAITING_APPROVAL | step: approval")
        .contains("  awaiting approval drop-1: drop partition public.t_2025_01 (deadline ")
        .contains("    runbooks approve " + id + " --request drop-1 --as <name>")
        .contains("outcome: COMPLETED");
  }

  @Test
  void terminateNeedsAReasonRecordsItAndRefusesClosedOrUnknownRuns() {
    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run noReason = cli("terminate", id);
    assertThat(noReason.code()).isEqualTo(2);
    assertThat(noReason.err()).contains("Missing required option: '--reason=<reason>'");
    Run blank = cli("terminate", id, "--reason", " ");
    assertThat(blank.code()).isEqualTo(2);
    assertThat(blank.err()).contains("--reason must say why the run is terminated");

    Run done = cli("terminate", id, "--reason", "wrong cluster picked", "--as", "carol");
    assertThat(done.code()).as(done.all()).isZero();
    assertThat(done.out()).contains("terminated " + id + ": wrong cluster picked (by carol)");
    WorkflowStub stub = client.newUntypedWorkflowStub(id);
    assertThat(stub.describe().getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    var terminated = client.fetchHistory(id).getEvents().stream()
        .filter(e -> e.hasWorkflowExecutionTerminatedEventAttributes()).findFirst().orElseThrow()
        .getWorkflowExecutionTerminatedEventAttributes();
    assertThat(terminated.getReason()).isEqualTo("wrong cluster picked (by carol)");

    Run again = cli("terminate", id, "--reason", "twice");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains(id + " is already closed (TERMINATED at ").contains("nothing to terminate");

    Run unknown = cli("terminate", "health-check:no-such-run", "--reason", "x");
    assertThat(unknown.code()).isEqualTo(3);
    assertThat(unknown.err()).contains("no workflow health-check:no-such-run");
  }

  @Test
  void cancelAsksTheRunToStopAndRefusesAClosedOne() {
    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run r = cli("cancel", id, "--reason", "maintenance moved", "--as", "carol");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("cancellation of " + id + " requested: maintenance moved (by carol)");
    eventually(() -> new Run(0, client.newUntypedWorkflowStub(id).describe().getStatus().name(), ""),
        s -> s.out().equals("WORKFLOW_EXECUTION_STATUS_CANCELED"));

    Run again = cli("cancel", id);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains(id + " is already closed (CANCELED at ").contains("nothing to cancel");
  }

  @Test
  void readCommandsPrintYamlOrJsonWithDashO() throws Exception {
    String cluster = cluster("gated");
    String id = "health-check:" + cluster;
    start(cluster, "alice");
    awaitState(id, RunbookState.AWAITING_APPROVAL);

    Run yaml = cli("status", id, "-o", "yaml");
    assertThat(yaml.code()).as(yaml.all()).isZero();
    JsonNode parsed = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml.out());
    assertThat(parsed.path("workflowId").asText()).isEqualTo(id);
    assertThat(parsed.path("pendingApprovals").get(0).path("requestId").asText()).isEqualTo("drop-1");
    assertThat(yaml.out()).contains("state: AWAITING_APPROVAL").doesNotContain("{");

    Run json = eventually(() -> cli("list", "--cluster", cluster, "-o", "json"), l -> l.out().contains(id));
    JsonNode rows = DataConverters.objectMapper().readTree(json.out());
    assertThat(rows.get(0).path("workflowId").asText()).isEqualTo(id);

    Run listYaml = cli("list", "--cluster", cluster, "--output", "yaml");
    assertThat(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(listYaml.out()).get(0)
        .path("state").asText()).isEqualTo("AWAITING_APPROVAL");

    Run table = cli("list", "--cluster", cluster);
    assertThat(table.out()).contains("WORKFLOW ID").contains(id);

    Run bad = cli("list", "-o", "xml");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("Invalid value for option '--output'").contains("table, json, yaml");
  }

  @Test
  void completionPrintsABashScriptKnowingTheCommandsAndRunbooks() {
    Run r = rawCli("completion", "bash");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_runbooks")
        .contains("terminate").contains("cancel").contains("HealthCheck").contains("ArchivePartition")
        .contains("format_option_args=(\"table\" \"json\" \"yaml\")");

    Run fish = rawCli("completion", "fish");
    assertThat(fish.code()).isEqualTo(2);
    assertThat(fish.err()).contains("bash, zsh");
  }

  private static String statusOrNull(String id) {
    try {
      return client.newUntypedWorkflowStub(id).query("progress", Progress.class).state().name();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Test
  void helpListsTheExitCodes() {
    Run r = rawCli("start", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Exit codes:").contains("2   bad usage or input")
        .contains("RUNBOOKS_TEMPORAL").contains("RUNBOOKS_UI_URL");
  }

  private static String cluster(String kind) {
    return kind + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private Run start(String cluster, String as) {
    Run r = cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + cluster + "\"}", "--as", as);
    assertThat(r.code()).as(r.all()).isZero();
    return r;
  }

  private static void awaitState(String id, RunbookState state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      Progress p = client.newUntypedWorkflowStub(id).query("progress", Progress.class);
      if (p.state() == state) {
        return;
      }
      assertThat(System.nanoTime()).as(id + " never reached " + state + "; last " + p).isLessThan(deadline);
      sleep(100);
    }
  }

  /** Visibility is eventually consistent: repeats {@code run} for up to 10 s until {@code ok}. */
  private static Run eventually(java.util.function.Supplier<Run> run, Predicate<Run> ok) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Run last = run.get();
    while (!ok.test(last) && System.nanoTime() < deadline) {
      sleep(200);
      last = run.get();
    }
    assertThat(ok.test(last)).as(last.all()).isTrue();
    return last;
  }

  private Run cli(String... args) {
    return cli(null, args);
  }

  /** Runs the CLI against the shared stack; {@code env}, when given, is what --sign-key-env reads. */
  private Run cli(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--namespace")) {
      all.addAll(List.of("--namespace", stack.temporal().namespace()));
    }
    all.addAll(List.of("--address", stack.temporal().address()));
    Run r = rawCli(env, all.toArray(String[]::new));
    if (args[0].equals("start") && r.code() == 0) {
      String id = r.out().lines().filter(l -> l.startsWith("  workflow id  ")).findFirst().orElse("")
          .substring("  workflow id  ".length());
      started.add(id);
    }
    return r;
  }

  private static Run rawCli(String... args) {
    return rawCli(null, args);
  }

  private static Run rawCli(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new RunbooksCli());
    if (env != null) {
      ((DecideCommand) cmd.getSubcommands().get("approve").getCommand()).environment = env;
      ((DecideCommand) cmd.getSubcommands().get("reject").getCommand()).environment = env;
    }
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
