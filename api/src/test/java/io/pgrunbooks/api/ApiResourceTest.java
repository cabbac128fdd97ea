package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.api.ApiFixture.Reply;
import io.pgrunbooks.workflows.approval.Decision;
import io.pgrunbooks.workflows.approval.DecisionResult;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.LockRequest;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.pgrunbooks.workflows.lock.TopologyLockInput;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflow;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint and error code of the REST API against the real stack: the real worker runs real
 * PartitionMaintenance runs that wait for an approval to drop an expired partition, so conflicts,
 * refusals and decisions come from Temporal and the run itself, not from fakes.
 */
class ApiResourceTest extends StartsRuns {
  private String newRun(String user) throws Exception {
    return api.newMaintenanceRun(user, "api-test-", started);
  }

  @Test
  void catalogListsEveryRunbookWithFieldsDefaultsAndAnExample() {
    Reply r = api.get("victor", "/api/v1/runbooks");
    assertThat(r.status()).isEqualTo(200);
    JsonNode archive = find(r.json(), "runbook", "ArchivePartition");
    assertThat(archive.path("description").asText()).contains("S3");
    JsonNode drop = find(archive.path("fields"), "name", "drop");
    assertThat(drop.path("type").asText()).isEqualTo("boolean");
    assertThat(drop.path("required").asBoolean()).isFalse();
    assertThat(drop.path("defaultValue").asText()).isEqualTo("true");
    assertThat(find(archive.path("fields"), "name", "partition").path("required").asBoolean()).isTrue();
    assertThat(archive.path("example").path("input").path("partition").asText()).startsWith("public.");
    JsonNode pm = find(r.json(), "runbook", "PartitionMaintenance");
    assertThat(find(pm.path("fields"), "name", "tables").path("type").asText()).isEqualTo("array of string");
  }

  @Test
  void requestsWithoutOrWithWrongCredentialsGet401() {
    assertThat(api.get(null, "/api/v1/runbooks").status()).isEqualTo(401);
    Reply wrong = api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/runbooks"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("alice:nope".getBytes()))
        .GET().build());
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("Basic"));
    Reply unknown = api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/runbooks"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("zed:pw-zed".getBytes()))
        .GET().build());
    assertThat(unknown.status()).isEqualTo(401);
    Reply overLong = api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/runbooks"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("alice:" + "x".repeat(100))
            .getBytes())).GET().build());
    assertThat(overLong.status()).as("a password over bcrypt's 72 bytes").isEqualTo(401);
  }

  @Test
  void failedLoginsOfOneUserAreRateLimitedWhileOtherUsersStillLogIn() {
    for (int i = 1; i <= 5; i++) {
      assertThat(basic("tess", "guess-" + i).status()).as("failed login %d", i).isEqualTo(401);
    }

    Reply sixth = basic("tess", "pw-tess");
    assertThat(sixth.status()).as("even the right password, once over the limit").isEqualTo(429);
    assertThat(sixth.json().path("error").asText()).contains("too many failed logins");
    assertThat(sixth.raw().headers().firstValue("Retry-After")).hasValueSatisfying(v ->
        assertThat(Long.parseLong(v)).isBetween(1L, 300L));
    assertThat(basic("alice", "pw-alice").status()).as("another user from the same address").isEqualTo(200);
  }

  private Reply basic(String user, String password) {
    return api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/runbooks"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
            .getBytes())).GET().build());
  }

  @Test
  void startReturns201WithIdsAndUiLinkAndRecordsTheUserAsRequester() throws Exception {
    String id = "partition-maintenance:main:app:api-test-" + UUID.randomUUID();
    Reply r = api.startMaintenance("olivia", id);
    started.add(id);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("workflowId").asText()).isEqualTo(id);
    assertThat(r.json().path("runId").asText()).isNotBlank();
    assertThat(r.json().path("uiUrl").asText()).isEqualTo("http://127.0.0.1:8233/namespaces/default/workflows/" + id);
    assertThat(r.raw().headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/api/v1/runs/"));
    JsonNode view = api.await("victor", "/api/v1/runs/" + id, Duration.ofSeconds(30),
        v -> v.path("summary").asText().contains("requested by olivia"));
    assertThat(view.path("type").asText()).isEqualTo("PartitionMaintenance");
  }

  @Test
  void startWithoutARunbookOrWithBadFieldsIs422NamingEachField() {
    Reply unknown = api.post("olivia", "/api/v1/runs", Map.of("runbook", "DropEverything", "input", Map.of()));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(fields(unknown)).containsExactly("runbook");

    Reply bad = api.post("olivia", "/api/v1/runs", """
        {"runbook": "ArchivePartition", "input": {"cluster": "main", "drop": "maybe", "dryrun": true}}""");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(fields(bad)).containsExactlyInAnyOrder("drop", "dryrun", "database", "partition");
    assertThat(bad.json().path("error").asText())
        .contains("unknown input field \"dryrun\" for ArchivePartition; did you mean \"dryRun\"? Its fields: cluster, ")
        .contains("field \"drop\" of ArchivePartition must be true or false, got \"maybe\"");
    assertThat(bad.json().path("fields").findValuesAsText("problem"))
        .contains("ArchivePartition needs fields \"database\", \"partition\" in its input (required: cluster, database, "
            + "partition)");

    Reply sessions = api.post("olivia", "/api/v1/runs", """
        {"runbook": "TerminateSessions", "input": {"cluster": "main", "maxSessions": "ten"}}""");
    assertThat(sessions.status()).isEqualTo(422);
    assertThat(fields(sessions)).containsExactly("maxSessions");
    assertThat(sessions.json().path("error").asText())
        .isEqualTo("field \"maxSessions\" of TerminateSessions must be a whole number, got \"ten\"");

    Reply broken = api.post("olivia", "/api/v1/runs", "{\"runbook\": \"HealthCheck\", \"input\": {\"cluster\": }}");
    assertThat(broken.status()).as(broken.text()).isEqualTo(400);
    assertThat(broken.json().path("error").asText()).startsWith("the body is not valid JSON at line 1, column ");
    assertThat(broken.json().path("fields").findValuesAsText("field")).containsExactly("body");

    Reply requester = api.post("olivia", "/api/v1/runs", Map.of("runbook", "HealthCheck",
        "input", Map.of("cluster", "main", "requestedBy", "alice")));
    assertThat(requester.status()).isEqualTo(422);
    assertThat(fields(requester)).containsExactly("input.requestedBy");
  }

  @Test
  void aRunStartedLikeTheTemporalUiWithAMisspelledFieldFailsWithTheSentenceOnTheRealWorker() throws Exception {
    // The Temporal UI starts the type with the JSON typed into it, past the API's checks: the real
    // worker process must refuse it in words, at once, not retry a Jackson stack.
    String id = "archive-partition:main:app:ui-typo-" + UUID.randomUUID();
    WorkflowStub stub = api.client.newUntypedWorkflowStub("ArchivePartition",
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build());
    stub.start(Map.of("cluster", "main", "database", "app", "partition", "public.t_2025_01", "dryrun", true));
    started.add(id);

    assertThatThrownBy(() -> stub.getResult(30, java.util.concurrent.TimeUnit.SECONDS, JsonNode.class))
        .isInstanceOf(io.temporal.client.WorkflowFailedException.class)
        .satisfies(e -> assertThat(((io.temporal.failure.ApplicationFailure) e.getCause()).getOriginalMessage())
            .isEqualTo("unknown input field \"dryrun\" for ArchivePartition; did you mean \"dryRun\"? Its fields: "
                + "cluster, database, partition, drop, force, deepVerify, dryRun, requestedBy, reason"));
    JsonNode view = api.get("victor", "/api/v1/runs/" + id).json();
    assertThat(view.path("failure").asText()).isEqualTo("unknown input field \"dryrun\" for ArchivePartition; "
        + "did you mean \"dryRun\"? Its fields: cluster, database, partition, drop, force, deepVerify, dryRun, "
        + "requestedBy, reason");
  }

  @Test
  void startOfARunningIdIs409NamingTheHolder() throws Exception {
    String id = newRun("olivia");
    Reply again = api.startMaintenance("olivia", id);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().path("holderWorkflowId").asText()).isEqualTo(id);
    assertThat(again.json().path("error").asText()).contains(id + " is already running").contains("requested by olivia");
  }

  @Test
  void topologyRunbookWhileTheClustersLockIsHeldIs409NamingTheHolder() throws Exception {
    // A running run (waiting for its approval) takes the topology lock of a cluster of its own, as
    // a ReplicaRebuild would, through the real lock workflow on the real worker.
    String holder = newRun("olivia");
    String cluster = "locked-" + UUID.randomUUID().toString().substring(0, 8);
    String runId = api.get("victor", "/api/v1/runs/" + holder).json().path("runId").asText();
    TopologyLockWorkflow lock = api.client.newWorkflowStub(TopologyLockWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(TopologyLock.workflowId(cluster)).setTaskQueue(TaskQueues.CENTRAL)
        .setMemo(Map.of(TopologyLock.STARTED_BY_MEMO, TopologyLock.STARTED_BY_RUNBOOK)).build());
    BatchRequest batch = api.client.newSignalWithStartRequest();
    batch.add(lock::run, TopologyLockInput.of(cluster));
    batch.add(lock::acquire, new LockRequest("api-test-" + UUID.randomUUID(), holder, runId, "ReplicaRebuild", null,
        "api test"));
    api.client.signalWithStart(batch);
    try {
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      Reply r;
      do {
        r = api.post("olivia", "/api/v1/runs", Map.of("runbook", "ReplicaRebuild",
            "input", Map.of("cluster", cluster, "replica", "pg2")));
        Thread.sleep(r.status() == 409 ? 0 : 250);
      } while (r.status() != 409 && System.nanoTime() < end);
      assertThat(r.status()).as(r.text()).isEqualTo(409);
      assertThat(r.json().path("holderWorkflowId").asText()).isEqualTo(holder);
      assertThat(r.json().path("error").asText()).contains("topology lock of cluster " + cluster);
    } finally {
      api.client.newUntypedWorkflowStub(TopologyLock.workflowId(cluster)).terminate("api test done");
    }
  }

  @Test
  void topologyRunbookIs409NamingARunOfAnotherTypeSquattingTheLockId() {
    // No worker serves this type or queue: it stays RUNNING under the lock's id, answering nothing.
    String squatterRun = api.client.newUntypedWorkflowStub("Squatter", WorkflowOptions.newBuilder()
        .setWorkflowId(TopologyLock.workflowId("main")).setTaskQueue("nobody-polls-this").build())
        .start().getRunId();
    try {
      Reply r = api.post("olivia", "/api/v1/runs", Map.of("runbook", "ReplicaRebuild",
          "input", Map.of("cluster", "main", "replica", "pg2")));

      assertThat(r.status()).as(r.text()).isEqualTo(409);
      assertThat(r.json().path("error").asText()).contains("lock:topology:main is taken by a Squatter run, not a"
          + " topology lock (run " + squatterRun, "temporal workflow terminate --workflow-id lock:topology:main");
    } finally {
      api.client.newUntypedWorkflowStub(TopologyLock.workflowId("main")).terminate("api test done");
    }
  }

  @Test
  void thePageAndTheApiMayNotBeFramedOrCached() {
    Reply page = api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/")).GET().build());
    Reply json = api.get("victor", "/api/v1/runbooks");
    for (Reply r : List.of(page, json)) {
      assertThat(r.raw().headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(r.raw().headers().firstValue("Content-Security-Policy")).hasValue(
          "default-src 'self'; frame-ancestors 'none'");
      assertThat(r.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
    }
  }

  @Test
  void viewersMayNotStartRuns() {
    Reply r = api.post("victor", "/api/v1/runs", Map.of("runbook", "HealthCheck", "input", Map.of("cluster", "main")));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().path("status").asInt()).isEqualTo(403);
    assertThat(r.json().path("error").asText()).isEqualTo("victor has role(s) viewer; this request needs one of: operator");
  }

  @Test
  void stateChangesNeedTheCustomHeaderAndAJsonBody() {
    String body = "{\"runbook\": \"HealthCheck\", \"input\": {\"cluster\": \"main\"}}";
    Reply noHeader = api.send(api.request("olivia", "/api/v1/runs").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(noHeader.status()).isEqualTo(403);
    assertThat(noHeader.json().path("error").asText()).contains("X-Requested-By");
    Reply form = api.send(api.request("olivia", "/api/v1/runs").header("X-Requested-By", "x")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("runbook=HealthCheck")).build());
    assertThat(form.status()).isEqualTo(415);
  }

  @Test
  void archivesAreListedForViewersAndBadQueriesAreRefusedField() {
    Reply none = api.get("victor", "/api/v1/archives?cluster=main&database=app&table=public.no_archives_here");
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.json().path("archives").isArray()).isTrue();
    assertThat(none.json().path("archives")).isEmpty();
    assertThat(none.json().path("nextCursor").isNull()).isTrue();
    assertThat(fields(api.get("victor", "/api/v1/archives?cluster=main&database=app&table=nodot"))).containsExactly("table");
    assertThat(fields(api.get("victor", "/api/v1/archives?cluster=elsewhere&database=app&table=public.t")))
        .containsExactly("cluster");
    assertThat(api.get("carol", "/api/v1/archives?cluster=main&database=app&table=public.t").status()).isEqualTo(403);
    assertThat(api.get(null, "/api/v1/archives?cluster=main&database=app&table=public.t").status()).isEqualTo(401);
  }

  @Test
  void listFiltersOnTheSearchAttributesAndRefusesUnknownStates() throws Exception {
    String id = newRun("olivia");
    api.awaitPending(id);
    JsonNode list = api.await("victor", "/api/v1/runs?runbook=PartitionMaintenance&state=AWAITING_APPROVAL&cluster=main",
        Duration.ofSeconds(60), l -> contains(l.path("runs"), id));
    assertThat(find(list.path("runs"), "workflowId", id).path("uiUrl").asText()).contains("/workflows/");
    assertThat(api.get("victor", "/api/v1/runs?cluster=elsewhere").json().path("runs")).noneMatch(r -> r.path("workflowId").asText().equals(id));
    Reply bad = api.get("victor", "/api/v1/runs?state=SLEEPING");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(fields(bad)).containsExactly("state");
    assertThat(fields(api.get("victor", "/api/v1/runs?runbook=Nope"))).containsExactly("runbook");
  }

  @Test
  void runShowsProgressWithPendingApprovalAndUnknownRunIs404() throws Exception {
    String id = newRun("olivia");
    JsonNode pending = api.awaitPending(id);
    assertThat(pending.path("action").asText()).containsIgnoringCase("drop");
    assertThat(pending.path("evidence").size()).isPositive();
    assertThat(pending.path("deadline").asText()).isNotBlank();
    assertThat(api.get("victor", "/api/v1/runs/no-such-run").status()).isEqualTo(404);
  }

  @Test
  void approvalsListsEveryPendingApprovalWithEvidenceAndDeadline() throws Exception {
    String id = newRun("olivia");
    String requestId = api.awaitPending(id).path("requestId").asText();
    JsonNode all = api.await("victor", "/api/v1/approvals", Duration.ofSeconds(30),
        l -> contains(l.path("approvals"), id));
    JsonNode mine = find(all.path("approvals"), "workflowId", id);
    assertThat(mine.path("requestId").asText()).isEqualTo(requestId);
    assertThat(mine.path("runbook").asText()).isEqualTo("PartitionMaintenance");
    assertThat(mine.path("evidence").size()).isPositive();
    assertThat(mine.path("deadline").asText()).isNotBlank();
    assertThat(mine.path("youMayDecide").asBoolean()).isFalse();
    assertThat(find(api.get("alice", "/api/v1/approvals").json().path("approvals"), "workflowId", id).path("youMayDecide").asBoolean())
        .isTrue();
  }

  @Test
  void approvingAsTheAuthenticatedUserLetsTheRunFinish() throws Exception {
    String id = newRun("olivia");
    String requestId = api.awaitPending(id).path("requestId").asText();
    Reply r = api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId,
        Map.of("decision", "approve", "comment", "expired, checked"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("outcome").asText()).isEqualTo("APPROVED");
    JsonNode done = api.await("victor", "/api/v1/runs/" + id, Duration.ofSeconds(60),
        v -> "COMPLETED".equals(v.path("temporalStatus").asText()));
    JsonNode approval = done.path("report").path("approvals").get(0);
    assertThat(approval.path("approver").asText()).isEqualTo("alice");
    assertThat(approval.path("comment").asText()).isEqualTo("expired, checked");

    Reply again = api.post("bob", "/api/v1/runs/" + id + "/approvals/" + requestId, Map.of("decision", "approve"));
    assertThat(again.status()).isEqualTo(409);
  }

  @Test
  void anUnsignedVoteOnARunbookThatRequiresSignaturesIsRefusedWhileTheApisSignedOneCounts() throws Exception {
    String id = newRun("olivia");
    String requestId = api.awaitPending(id).path("requestId").asText();
    WorkflowStub stub = api.client.newUntypedWorkflowStub(id);
    assertThatThrownBy(() -> stub.update("decide",
            DecisionResult.class,
            new Decision(requestId, "alice", true, "bare", null)))
        .hasStackTraceContaining("requires signed decisions");
    Reply signed = api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId, Map.of("decision", "approve"));
    assertThat(signed.status()).as(signed.text()).isEqualTo(200);
    assertThat(signed.json().path("outcome").asText()).isEqualTo("APPROVED");
  }

  @Test
  void decisionBodyIsCheckedAndTheApproverIsNeverAField() throws Exception {
    String id = newRun("olivia");
    String path = "/api/v1/runs/" + id + "/approvals/" + api.awaitPending(id).path("requestId").asText();
    assertThat(fields(api.post("alice", path, Map.of("decision", "maybe")))).containsExactly("decision");
    Reply noComment = api.post("alice", path, Map.of("decision", "reject"));
    assertThat(noComment.status()).isEqualTo(422);
    assertThat(fields(noComment)).containsExactly("comment");
    Reply forged = api.post("alice", path, Map.of("decision", "approve", "approver", "bob"));
    assertThat(forged.status()).isEqualTo(422);
    assertThat(fields(forged)).containsExactly("approver");
  }

  @Test
  void refusedVotesReturnTheRunsReasonAs403Or409() throws Exception {
    String id = newRun("bob");
    String requestId = api.awaitPending(id).path("requestId").asText();
    String path = "/api/v1/runs/" + id + "/approvals/" + requestId;

    Reply viewer = api.post("victor", path, Map.of("decision", "approve"));
    assertThat(viewer.status()).isEqualTo(403);
    Reply wrongRole = api.post("carol", path, Map.of("decision", "approve"));
    assertThat(wrongRole.status()).isEqualTo(403);
    Reply notConfigured = api.post("mallory", path, Map.of("decision", "approve"));
    assertThat(notConfigured.status()).isEqualTo(403);
    assertThat(notConfigured.json().path("error").asText()).contains("mallory is not a configured approver");
    Reply self = api.post("bob", path, Map.of("decision", "approve"));
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.json().path("error").asText()).contains("bob requested this run and may not approve it");
    Reply unknownRequest = api.post("alice", "/api/v1/runs/" + id + "/approvals/no-such-request",
        Map.of("decision", "approve"));
    assertThat(unknownRequest.status()).isEqualTo(409);
    assertThat(unknownRequest.json().path("error").asText()).contains("not pending");
  }

  @Test
  void meSaysWhatTheUserMayDo() {
    JsonNode alice = api.get("alice", "/api/v1/me").json();
    assertThat(alice.path("mayDecide").asBoolean()).isTrue();
    assertThat(alice.path("mayStart").asBoolean()).isFalse();
    JsonNode victor = api.get("victor", "/api/v1/me").json();
    assertThat(victor.path("mayDecide").asBoolean()).isFalse();
    assertThat(victor.path("roles").toString()).isEqualTo("[\"viewer\"]");
  }

  @Test
  void healthCheckOnTheAdminPortSaysTemporalIsReachableAndMetricsCountRequests() {
    Reply health = api.send(HttpRequest.newBuilder(URI.create(api.adminUrl() + "/healthcheck")).GET().build());
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("temporal").path("healthy").asBoolean()).isTrue();
    api.get("victor", "/api/v1/runbooks");
    Reply metrics = api.send(HttpRequest.newBuilder(URI.create(api.adminUrl() + "/metrics")).GET().build());
    assertThat(metrics.json().path("timers").has("io.pgrunbooks.api.resources.RunbooksResource.catalog")).isTrue();
    assertThat(metrics.text()).doesNotContain("$2a$");
  }

  @Test
  void livenessReadinessAndPrometheusMetricsAreApartOnTheAdminPort() throws Exception {
    Reply live = api.send(HttpRequest.newBuilder(URI.create(api.adminUrl() + "/livez")).GET().build());
    assertThat(live.status()).isEqualTo(200);
    Reply ready = api.send(HttpRequest.newBuilder(URI.create(api.adminUrl() + "/readyz")).GET().build());
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("checks").path("temporal").asBoolean()).isTrue();
    api.get("victor", "/api/v1/runbooks");
    Reply prom = api.send(HttpRequest.newBuilder(URI.create(api.adminUrl() + "/metrics/prometheus")).GET().build());
    assertThat(prom.status()).isEqualTo(200);
    assertThat(prom.text()).contains("pg_runbooks_api_io_pgrunbooks_api_resources_runbooksresource_catalog_seconds_count")
        .contains("# TYPE pg_runbooks_api_org_eclipse_jetty_util_thread_queuedthreadpool_dw_admin_size gauge").doesNotContain("$2a$");
    // promtool parses it as Prometheus would scrape it.
    java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
    assertThat(promtool).as("promtool is missing: apt-get install -y prometheus").isExecutable();
    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (var in = check.getOutputStream()) {
      in.write(prom.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String out = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    check.waitFor();
    assertThat(out).as(out).doesNotContain("error while linting").doesNotContain("text format parsing error");
  }

  @Test
  void insightsNeedTheirParametersAndSayWhenThereIsNoRunYet() {
    assertThat(fields(api.get("victor", "/api/v1/insights/partitions?cluster=main"))).containsExactly("database");
    JsonNode none = api.get("victor", "/api/v1/insights/partitions?cluster=nowhere&database=app").json();
    assertThat(none.path("note").asText()).contains("no completed PartitionMaintenance run");
    assertThat(api.get("victor", "/api/v1/insights/drills?cluster=nowhere").json().size()).isZero();
  }

  @Test
  void latestQueryReportOfTheDemoDatabaseIsServedByTheInsightsApi() throws Exception {
    assertThat(fields(api.get("victor", "/api/v1/insights/query-report?cluster=main"))).containsExactly("database");
    JsonNode none = api.get("victor", "/api/v1/insights/query-report?cluster=nowhere&database=app").json();
    assertThat(none.path("note").asText()).contains("no completed QueryReport run of nowhere/app");
    assertThat(none.path("report").isNull()).isTrue();
    String id = "query-report:main:app:api-" + UUID.randomUUID();
    assertThat(api.post("olivia", "/api/v1/runs", Map.of("runbook", "QueryReport", "workflowId", id,
        "input", Map.of("cluster", ApiFixture.CLUSTER, "database", ApiFixture.DATABASE, "top", 5))).status())
        .isEqualTo(201);
    JsonNode latest = api.await("victor", "/api/v1/insights/query-report?cluster=main&database=app",
        Duration.ofSeconds(120), r -> id.equals(r.path("workflowId").asText()));
    JsonNode report = latest.path("report");
    assertThat(report.path("target").asText()).isEqualTo("main/app");
    assertThat(report.path("text").asText()).startsWith("QueryReport of main/app on ");
    assertThat(report.path("statements").path("byTotalTime").size()).isBetween(1, 5);
    assertThat(report.path("report").path("outcome").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void thePageIsServedAtTheRoot() {
    Reply page = api.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/")).GET().build());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).contains("<script src=\"app.js\">");
  }

  static boolean containsRun(JsonNode array, String workflowId) {
    return contains(array, workflowId);
  }

  static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.path(field).asText())) {
        return n;
      }
    }
    throw new AssertionError("no element with " + field + "=" + value + " in " + array);
  }

  private static boolean contains(JsonNode array, String workflowId) {
    for (JsonNode n : array) {
      if (workflowId.equals(n.path("workflowId").asText())) {
        return true;
      }
    }
    return false;
  }

  private static List<String> fields(Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    List<String> out = new ArrayList<>();
    r.json().path("fields").forEach(f -> out.add(f.path("field").asText()));
    return out;
  }
}
