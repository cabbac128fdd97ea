package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.api.ApiFixture.Reply;
import io.pgrunbooks.ops.browser.HeadlessChromium;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The approvals page in headless Chromium against the real stack: a real PartitionMaintenance run
 * on the real worker waits for the approval to drop an expired partition; a viewer sees it without
 * buttons (and the API says 403), an approver's rejection without a comment is refused, the
 * approval goes through and the run page shows the run finishing, with its coverage grid; the drill
 * chart draws completed FailoverDrill results.
 */
@ExtendWith(ApiFixture.Extension.class)
class ApprovalsPageBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static ApiFixture api;
  private static HeadlessChromium browser;

  @BeforeAll
  static void start() {
    api = ApiFixture.get();
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  /** Waits until {@code condition} holds, reading again when the page redrew the element meanwhile. */
  private <T> T waitFor(Duration timeout, Function<WebDriver, T> condition) {
    return browser.waitUntil(timeout, d -> {
      try {
        return condition.apply(d);
      } catch (StaleElementReferenceException redrawn) {
        return null;
      }
    });
  }

  private WebDriver page() {
    return browser.driver();
  }

  private void logIn(String user) {
    logIn(api.baseUrl(), user);
  }

  private void logIn(String baseUrl, String user) {
    page().get(baseUrl + "/#/login");
    browser.waitUntil(WAIT, d -> d.findElement(By.id("login-user")));
    WebElement name = page().findElement(By.id("login-user"));
    name.clear();
    name.sendKeys(user);
    page().findElement(By.id("login-password")).sendKeys(ApiFixture.password(user));
    page().findElement(By.id("login-submit")).click();
    browser.waitUntil(WAIT, d -> d.findElement(By.id("whoami")).getText().startsWith(user + " "));
  }

  private void logOut() {
    page().findElement(By.id("logout")).click();
    browser.waitUntil(WAIT, d -> d.findElement(By.id("login-user")));
  }

  private WebElement card(String workflowId) {
    page().get(api.baseUrl() + "/#/approvals");
    return browser.waitUntil(WAIT, d -> d.findElements(By.cssSelector(".approval")).stream()
        .filter(c -> workflowId.equals(c.getDomAttribute("data-workflow-id"))).findFirst().orElse(null));
  }

  @Test
  void viewerSeesNoButtonsApproverRejectsOnlyWithCommentThenApprovesAndWatchesTheRunFinish() throws Exception {
    String id = "partition-maintenance:main:app:page-" + UUID.randomUUID();
    Reply started = api.startMaintenance("olivia", id);
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    JsonNode pending = api.awaitPending(id);
    String requestId = pending.path("requestId").asText();

    logIn("victor");
    WebElement viewerCard = card(id);
    assertThat(viewerCard.getText()).contains(pending.path("action").asText());
    assertThat(viewerCard.findElements(By.cssSelector("button.approve"))).isEmpty();
    assertThat(viewerCard.findElements(By.cssSelector("button.reject"))).isEmpty();
    assertThat(viewerCard.findElement(By.cssSelector(".no-decide")).getText()).contains("not decide");
    assertThat(api.post("victor", "/api/v1/runs/" + id + "/approvals/" + requestId, Map.of("decision", "approve"))
        .status()).isEqualTo(403);
    browser.screenshot("approvals-inbox-viewer");
    logOut();

    logIn("alice");
    WebElement approverCard = card(id);
    assertThat(approverCard.findElement(By.cssSelector(".evidence")).getText()).isNotBlank();
    assertThat(approverCard.findElement(By.cssSelector(".approved-by")).getText()).contains("0 of 1 approvals");
    String countdown = approverCard.findElement(By.cssSelector(".deadline")).getText();
    assertThat(countdown).endsWith("left");
    // The countdown ticks in the page, without a reload.
    waitFor(Duration.ofSeconds(5), d -> !d.findElement(By.cssSelector(
        ".approval[data-workflow-id='" + id + "'] .deadline")).getText().equals(countdown));
    browser.screenshot("approvals-inbox-approver");

    approverCard = card(id);
    approverCard.findElement(By.cssSelector("button.reject")).click();
    WebElement message = approverCard.findElement(By.cssSelector(".decision-message"));
    assertThat(message.getText()).contains("needs a comment");
    assertThat(api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId, Map.of("decision", "reject"))
        .status()).isEqualTo(422);
    assertThat(api.get("victor", "/api/v1/runs/" + id).json().path("pendingApprovals").size()).isEqualTo(1);

    approverCard.findElement(By.cssSelector("textarea.comment")).sendKeys("expired per policy");
    approverCard.findElement(By.cssSelector("button.approve")).click();
    // The answer shows on the card until the inbox drops the no longer pending request.
    waitFor(WAIT, d -> {
      try {
        return message.getText().startsWith("Approved");
      } catch (StaleElementReferenceException cardGone) {
        return d.findElements(By.cssSelector(".approval[data-workflow-id='" + id + "']")).isEmpty();
      }
    });

    page().get(api.baseUrl() + "/#/runs/" + id);
    waitFor(WAIT, d -> d.findElement(By.id("run-state")).getText().equals("COMPLETED"));
    WebElement run = page().findElement(By.id("run"));
    assertThat(run.findElements(By.cssSelector(".timeline .step.DONE"))).isNotEmpty();
    assertThat(page().findElement(By.id("run-approvals")).getText()).contains("APPROVED").contains("by alice")
        .contains("expired per policy");
    assertThat(page().findElement(By.id("temporal-link")).getDomAttribute("href"))
        .isEqualTo("http://127.0.0.1:8233/namespaces/default/workflows/" + id);
    WebElement grid = waitFor(WAIT, d -> d.findElement(By.cssSelector("#run-grid .grid-table")));
    assertThat(grid.getDomAttribute("data-table")).isEqualTo("public.domain_events");
    assertThat(grid.findElements(By.cssSelector(".cell.exists, .cell.created"))).hasSizeGreaterThan(12);
    browser.screenshot("run-page");
  }

  @Test
  void aNotificationsLinkMarksItsRequestOnTheApprovalsPage() throws Exception {
    String id = "partition-maintenance:main:app:link-" + UUID.randomUUID();
    Reply started = api.startMaintenance("olivia", id);
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    String requestId = api.awaitPending(id).path("requestId").asText();

    logIn("victor");
    // The link approval notifications carry (notifications.approvalsPageUrl).
    page().get(api.baseUrl() + "/#/approvals?workflowId=" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8)
        + "&requestId=" + requestId);
    WebElement linked = waitFor(WAIT, d -> d.findElements(By.cssSelector(".approval.linked")).stream().findFirst()
        .orElse(null));
    assertThat(linked.getDomAttribute("data-workflow-id")).isEqualTo(id);
    assertThat(linked.getDomAttribute("data-request-id")).isEqualTo(requestId);
    logOut();
    assertThat(api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId,
        Map.of("decision", "reject", "comment", "only a link test")).status()).isEqualTo(200);
  }

  @Test
  void restoreDrillTrendShowsRtoPerDrillAndTheLastPassedDrill() {
    String cluster = "restores-" + UUID.randomUUID().toString().substring(0, 8);
    StoredDrills.store(api, List.of(
        StoredDrills.drill(cluster, "2026-11-01T05:00:00Z", true, 40.5, 12, List.of()),
        StoredDrills.drill(cluster, "2026-11-08T05:00:00Z", false, -1, 30, List.of("restore")),
        StoredDrills.drill(cluster, "2026-11-15T05:00:00Z", true, 120.0, 8, List.of())));

    logIn("victor");
    page().get(api.baseUrl() + "/#/insights?cluster=" + cluster + "&database=app");
    List<WebElement> bars = browser.waitUntil(WAIT, d -> {
      List<WebElement> b = d.findElements(By.cssSelector("#restore-drill-chart .restore-drill-bar"));
      return b.size() == 3 ? b : null;
    });
    assertThat(bars).extracting(b -> b.getDomAttribute("data-started"))
        .containsExactly("2026-11-01T05:00:00Z", "2026-11-08T05:00:00Z", "2026-11-15T05:00:00Z");
    assertThat(bars).extracting(b -> b.getDomAttribute("data-passed")).containsExactly("true", "false", "true");
    assertThat(Double.parseDouble(bars.get(2).getDomAttribute("height")))
        .isGreaterThan(Double.parseDouble(bars.get(0).getDomAttribute("height")) * 2);
    String summary = page().findElement(By.id("restore-drill-summary")).getText();
    assertThat(summary).contains("passed 2 of 3").contains("last passed: 2026-11-15T05:00:00Z");
    assertThat(page().findElements(By.cssSelector("#restore-drill-table tr.failed"))).singleElement()
        .satisfies(r -> assertThat(r.getText()).contains("FAILED restore"));
    browser.screenshot("restore-drill-trend");
  }

  @Test
  void partitionGridAndDrillChartDrawTheLatestResults() throws Exception {
    String cluster = "drills-" + UUID.randomUUID().toString().substring(0, 8);
    FakeDrills.run(api.client, cluster, List.of(
        FakeDrills.outcome("2026-08-01T02:00:00Z", true, 4200),
        FakeDrills.outcome("2026-09-01T02:00:00Z", false, 41000),
        FakeDrills.outcome("2026-10-01T02:00:00Z", true, 3100)));
    api.await("victor", "/api/v1/insights/drills?cluster=" + cluster, WAIT, l -> l.size() == 3);

    logIn("victor");
    page().get(api.baseUrl() + "/#/insights?cluster=" + cluster + "&database=app");
    List<WebElement> bars = browser.waitUntil(WAIT, d -> {
      List<WebElement> b = d.findElements(By.cssSelector("#drill-chart .drill-bar"));
      return b.size() == 3 ? b : null;
    });
    assertThat(bars).extracting(b -> b.getDomAttribute("data-passed")).containsExactly("true", "false", "true");
    assertThat(bars).extracting(b -> b.getDomAttribute("data-started"))
        .containsExactly("2026-08-01T02:00:00Z", "2026-09-01T02:00:00Z", "2026-10-01T02:00:00Z");
    double failedHeight = Double.parseDouble(bars.get(1).getDomAttribute("height"));
    assertThat(failedHeight).isGreaterThan(Double.parseDouble(bars.get(0).getDomAttribute("height")) * 5);
    browser.screenshot("drill-chart");

    // The grid of the demo database, from its latest completed PartitionMaintenance.
    String id = "partition-maintenance:main:app:grid-" + UUID.randomUUID();
    assertThat(api.startMaintenance("olivia", id).status()).isEqualTo(201);
    String requestId = api.awaitPending(id).path("requestId").asText();
    api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId, Map.of("decision", "approve"));
    api.await("victor", "/api/v1/insights/partitions?cluster=main&database=app", WAIT,
        g -> id.equals(g.path("workflowId").asText()));
    page().get(api.baseUrl() + "/#/insights?cluster=main&database=app");
    WebElement table = browser.waitUntil(WAIT, d -> d.findElement(By.cssSelector("#grid-box .grid-table")));
    assertThat(table.getDomAttribute("data-table")).isEqualTo("public.domain_events");
    assertThat(table.findElements(By.cssSelector(".cell"))).hasSizeGreaterThan(20);
    assertThat(table.findElement(By.cssSelector(".retired")).getText()).contains("domain_events_y");
    assertThat(table.findElements(By.cssSelector(".cell.expired"))).isNotEmpty();
    browser.screenshot("partition-grid");
    // The latest QueryReport of the database, or the note that none ran yet.
    WebElement report = browser.waitUntil(WAIT, d -> {
      List<WebElement> found = d.findElements(By.cssSelector("#query-report, #query-report-empty"));
      return found.isEmpty() ? null : found.get(0);
    });
    assertThat(report.getText()).satisfiesAnyOf(t -> assertThat(t).startsWith("QueryReport of main/app"),
        t -> assertThat(t).contains("no completed QueryReport run of main/app"));
  }

  @Test
  void withNoWorkerPollingTheInboxShowsABannerSayingHowToStartOneInsteadOfAnEmptyList() throws Exception {
    try (ApiFixture.OtherApi other = api.apiInNewNamespace()) {
      String stranded = api.strandedRun(other);
      logIn(other.baseUrl(), "alice");
      page().get(other.baseUrl() + "/#/approvals");
      WebElement banner = browser.waitUntil(WAIT, d -> {
        List<WebElement> b = d.findElements(By.cssSelector("#workers-banner"));
        // Visibility lists the stranded run a moment after it started; the inbox refreshes every 5 s.
        return b.isEmpty() || b.get(0).findElements(By.cssSelector("a.waiting-run")).isEmpty() ? null : b.get(0);
      });
      assertThat(banner.getText()).contains("No worker is running").contains("no worker is polling pg-runbooks")
          .contains("java -jar pg-runbooks-worker.jar worker --config").contains("1 run(s) wait for an approval");
      assertThat(banner.findElement(By.cssSelector("a.waiting-run")).getText()).isEqualTo(stranded);
      assertThat(page().findElements(By.id("inbox-empty"))).as("not an empty inbox").isEmpty();
      browser.screenshot("approvals-inbox-no-worker");
      logOut();
      api.client(other).newUntypedWorkflowStub(stranded).terminate("test done");
    }
  }

  @Test
  void theRunsPageListsTheNewestRunsFromTheFirstPage() throws Exception {
    String id = "partition-maintenance:main:app:runs-page-" + UUID.randomUUID();
    assertThat(api.startMaintenance("olivia", id).status()).isEqualTo(201);
    try {
      logIn("victor");
      page().get(api.baseUrl() + "/#/runs");
      waitFor(WAIT, d -> d.findElements(By.cssSelector("table.runs a")).stream()
          .anyMatch(a -> a.getText().equals(id)) ? true : null);
      logOut();
    } finally {
      api.terminateRunning(List.of(id));
    }
  }
}
