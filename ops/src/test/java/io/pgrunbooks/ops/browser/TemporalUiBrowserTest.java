package io.pgrunbooks.ops.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.ops.cli.FakeHealthCheck;
import io.pgrunbooks.ops.cli.RunbooksCli;
import io.pgrunbooks.ops.cli.ScheduleTestConfigs;
import io.pgrunbooks.ops.stack.SharedUiTemporal;
import io.pgrunbooks.ops.stack.TemporalDevServer;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.KeptReports;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import picocli.CommandLine;

/**
 * The Temporal UI of the dev server, in headless Chromium, showing what operators rely on: the
 * workflow list filtered by the runbook search attributes, a run's static summary and current
 * details while it waits for approval, and the schedules page with the config's schedules.
 * Screenshots land in ops/target/screenshots/.
 */
class TemporalUiBrowserTest {
  private static final Duration PAGE = Duration.ofSeconds(30);

  private static TemporalDevServer temporal;
  private static WorkflowServiceStubs service;
  private static WorkflowClient client;
  private static WorkerFactory factory;

  @BeforeAll
  static void startWorker() {
    temporal = SharedUiTemporal.get();
    service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(temporal.namespace()).setDataConverter(DataConverters.jackson()).build());
    factory = WorkerFactory.newInstance(client);
    var worker = factory.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(GatedReplicaRebuild.class, FakeHealthCheck.class);
    worker.registerActivitiesImplementations(new FixedApprovalPolicy(temporal.uiUrl()), new KeptReports());
    factory.start();
  }

  @AfterAll
  static void stopWorker() {
    factory.shutdownNow();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    service.shutdown();
  }

  @Test
  void uiShowsFilteredRunsAPendingApprovalsDetailsAndTheSchedules() throws Exception {
    String cluster = "ui" + UUID.randomUUID().toString().substring(0, 6);
    String gated = "replica-rebuild:" + cluster + ":pg2";
    String done = "health-check:" + cluster;
    assertThat(cli("start", "HealthCheck", "--input", "{\"cluster\": \"" + cluster + "\"}", "--wait")).isZero();
    assertThat(cli("start", "ReplicaRebuild", "--input", "{\"cluster\": \"" + cluster + "\", \"replica\": \"pg2\"}",
        "--as", "bob", "--reason", "replica pg2 lags")).isZero();
    Progress progress = awaitAwaitingApproval(gated);
    String requestId = progress.pendingApprovals().get(0).requestId();
    String prefix = "ui" + cluster.substring(2) + "-";
    Path config = ScheduleTestConfigs.write(ScheduleTestConfigs.seedSchedules(prefix));
    assertThat(cli("schedules", "apply", "--config", config.toString())).isZero();

    try (HeadlessChromium browser = HeadlessChromium.start()) {
      String query = "RunbookType=\"ReplicaRebuild\" AND RunbookState=\"AWAITING_APPROVAL\" AND RunbookCluster=\""
          + cluster + "\"";
      // The count above the list arrives after the rows.
      String list = page(browser, "/namespaces/default/workflows?query=" + URLEncoder.encode(query,
          StandardCharsets.UTF_8), gated, "1 RUNNING");
      browser.screenshot("temporal-ui-workflows-awaiting-approval");
      assertThat(list).contains("RunbookType = \"ReplicaRebuild\"").contains("RunbookState = \"AWAITING_APPROVAL\"")
          .contains("1 RUNNING").contains(gated).contains("ReplicaRebuild").doesNotContain(done);
      String all = page(browser, "/namespaces/default/workflows?query=" + URLEncoder.encode(
          "RunbookCluster=\"" + cluster + "\"", StandardCharsets.UTF_8), done, gated);
      assertThat(all).contains(gated).contains(done);

      String runId = client.newUntypedWorkflowStub(gated).describe().getExecution().getRunId();
      page(browser, "/namespaces/default/workflows/" + gated + "/" + runId + "/history", "User Metadata");
      browser.driver().findElement(By.partialLinkText("User Metadata")).click();
      // Summary and details render in separate frames.
      String run = await(browser, "the User Metadata tab of " + gated, "Waiting for approval", requestId,
          "Approvals: 0 of 1", "replay lag: 412 s", "requested by bob: replica pg2 lags");
      browser.screenshot("temporal-ui-run-awaiting-approval");
      assertThat(run).contains("ReplicaRebuild of " + cluster + "/pg2, requested by bob: replica pg2 lags")
          .contains("state AWAITING_APPROVAL")
          .contains(requestId).contains(GatedReplicaRebuild.ACTION)
          .contains("replay lag: 412 s")
          .contains("Approvals: 0 of 1")
          .contains("--name approve");
      browser.driver().findElements(By.xpath("//button[contains(., 'More Actions')]")).stream()
          .filter(WebElement::isDisplayed).findFirst().orElseThrow().click();
      await(browser, "the More Actions menu of " + gated, "Send a Signal"); // where the README says to approve

      String start = page(browser, "/namespaces/default/workflows/start-workflow", "Task Queue", "Workflow ID",
          "Workflow Type", "Input");
      browser.screenshot("temporal-ui-start-workflow");
      assertThat(start).contains("Workflow ID").contains("Workflow Type").contains("Input");

      String schedules = page(browser, "/namespaces/default/schedules", prefix + "failover-drill-main",
          prefix + "health-check-main", prefix + "backup-main-app", "At 00:00 on Sunday on days 1-7");
      browser.screenshot("temporal-ui-schedules");
      assertThat(schedules).contains(prefix + "health-check-main").contains(prefix + "backup-main-app")
          .contains(prefix + "failover-drill-main").contains("FailoverDrill")
          .contains("At 00:00 on Sunday on days 1-7");
    }

    // The signal payload the README gives for the UI's "Send Signal" ends the wait.
    WorkflowStub stub = client.newUntypedWorkflowStub(gated);
    stub.signal("approve", DataConverters.objectMapper().convertValue(
        Map.of("approver", "alice", "comment", "lag confirmed"), JsonNode.class));
    JsonNode result = stub.getResult(10, TimeUnit.SECONDS, JsonNode.class);
    assertThat(result.path("report").path("outcome").asText()).isEqualTo("COMPLETED");
    Path none = ScheduleTestConfigs.write("  []\n");
    assertThat(cli("schedules", "apply", "--config", none.toString(), "--prune")).isZero();
  }

  /** Opens {@code path} in the UI and returns the page text once it contains all of {@code expected}. */
  private static String page(HeadlessChromium browser, String path, String... expected) {
    browser.driver().get(temporal.uiUrl() + path);
    return await(browser, path, expected);
  }

  /** The page text once it contains all of {@code expected}: the UI fills a page in several requests. */
  private static String await(HeadlessChromium browser, String where, String... expected) {
    try {
      return browser.waitUntil(PAGE, d -> {
        String text = text(browser);
        return Arrays.stream(expected).allMatch(text::contains) ? text : null;
      });
    } catch (RuntimeException e) {
      browser.screenshot("temporal-ui-failed-" + where.replaceAll("[^A-Za-z0-9]+", "-"));
      throw new AssertionError(where + " did not show all of " + Arrays.toString(expected) + " within " + PAGE
          + "; page text:\n" + text(browser), e);
    }
  }

  /**
   * The rendered text of the whole page, including scrolled-away parts and the iframes in which the
   * UI renders markdown (summary, details, current details).
   */
  private static String text(HeadlessChromium browser) {
    WebDriver d = browser.driver();
    StringBuilder text = new StringBuilder(String.valueOf(((JavascriptExecutor) d).executeScript(
        "return document.body.innerText")));
    for (WebElement frame : d.findElements(By.tagName("iframe"))) {
      try {
        d.switchTo().frame(frame);
        text.append('\n').append(((JavascriptExecutor) d).executeScript(
            "return document.body ? document.body.innerText : ''"));
      } catch (WebDriverException e) {
        // a frame that went away while the page re-rendered: the next poll reads it again
      } finally {
        d.switchTo().defaultContent();
      }
    }
    return text.toString();
  }

  private static Progress awaitAwaitingApproval(String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Progress p = client.newUntypedWorkflowStub(id).query("progress", Progress.class);
      if (p.state() == RunbookState.AWAITING_APPROVAL && !p.pendingApprovals().isEmpty()) {
        return p;
      }
      assertThat(System.nanoTime()).as(id + " awaiting approval within 30 s").isLessThan(deadline);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static int cli(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new RunbooksCli());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(out, true));
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--address", temporal.address())).toArray(String[]::new);
    int code = cmd.execute(all);
    assertThat(code).as(String.join(" ", args) + ":\n" + out).isIn(0, 1);
    return code;
  }
}
