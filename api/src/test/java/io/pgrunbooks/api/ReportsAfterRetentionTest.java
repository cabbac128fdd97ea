package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.api.ApiFixture.Reply;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit trail outlives Temporal: a run approved through the API, then deleted from Temporal with
 * {@code temporal workflow delete} (what retention does), is still listed and readable through the API,
 * with its input, steps, approver and comment, from the report the run wrote to the bucket.
 */
@ExtendWith(ApiFixture.Extension.class)
class ReportsAfterRetentionTest {
  private final ApiFixture api = ApiFixture.get();

  @Test
  void approvedRunsReportIsReadableThroughTheApiAfterItsHistoryIsDeleted() throws Exception {
    String id = "partition-maintenance:main:app:audit-" + UUID.randomUUID();
    Reply started = api.startMaintenance("olivia", id);
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    String requestId = api.awaitPending(id).path("requestId").asText();
    Reply decided = api.post("alice", "/api/v1/runs/" + id + "/approvals/" + requestId,
        Map.of("decision", "approve", "comment", "expired, audit checked"));
    assertThat(decided.status()).as(decided.text()).isEqualTo(200);
    JsonNode done = api.await("victor", "/api/v1/runs/" + id, Duration.ofSeconds(90),
        v -> "COMPLETED".equals(v.path("temporalStatus").asText()));
    String runId = done.path("runId").asText();
    assertThat(runId).isNotBlank();

    deleteFromTemporal(id, runId);
    assertThat(api.get("victor", "/api/v1/runs/" + id).status()).as("Temporal forgot the run").isEqualTo(404);

    String today = LocalDate.now(ZoneOffset.UTC).toString();
    Reply list = api.get("victor", "/api/v1/reports?runbook=PartitionMaintenance&cluster=main&from="
        + LocalDate.now(ZoneOffset.UTC).minusDays(1) + "&to=" + today);
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    JsonNode entry = null;
    for (JsonNode e : list.json().path("reports")) {
      if (e.path("workflowId").asText().equals(id)) {
        entry = e;
      }
    }
    assertThat(entry).as("listed: %s", list.text()).isNotNull();
    assertThat(entry.path("runId").asText()).isEqualTo(runId);
    assertThat(entry.path("outcome").asText()).isEqualTo("COMPLETED");
    // The report is filed under the UTC day the run finished, which is yesterday when the test crosses midnight.
    String finishedDay = entry.path("finishedAt").asText().substring(0, 10);
    assertThat(finishedDay).isIn(today, LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
    assertThat(entry.path("id").asText()).startsWith(finishedDay + "/PartitionMaintenance/main/");

    Reply got = api.get("victor", "/api/v1/reports/" + entry.path("id").asText());
    assertThat(got.status()).as(got.text()).isEqualTo(200);
    JsonNode stored = got.json();
    assertThat(stored.path("workflowId").asText()).isEqualTo(id);
    assertThat(stored.path("runId").asText()).isEqualTo(runId);
    assertThat(stored.at("/input/cluster").asText()).isEqualTo("main");
    assertThat(stored.at("/input/requestedBy").asText()).isEqualTo("olivia");
    assertThat(stored.at("/report/outcome").asText()).isEqualTo("COMPLETED");
    assertThat(stored.at("/report/steps").size()).isPositive();
    assertThat(stored.at("/report/changes").toString()).contains("drop");
    JsonNode approval = stored.at("/report/approvals/0");
    assertThat(approval.path("approver").asText()).isEqualTo("alice");
    assertThat(approval.path("comment").asText()).isEqualTo("expired, audit checked");
    assertThat(got.text()).doesNotContain(api.env.get("RUNBOOKS_S3_SECRET_KEY"));
  }

  @Test
  void listingPagesWithATokenAndBadQueriesAreRefusedInWords() throws Exception {
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    for (int i = 0; i < 2; i++) {
      String id = "partition-maintenance:main:app:audit-dry-" + UUID.randomUUID();
      Reply r = api.post("olivia", "/api/v1/runs", Map.of("runbook", "PartitionMaintenance", "workflowId", id,
          "input", Map.of("cluster", "main", "database", "app", "dryRun", true)));
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      api.await("victor", "/api/v1/runs/" + id, Duration.ofSeconds(60),
          v -> "COMPLETED".equals(v.path("temporalStatus").asText()));
    }
    JsonNode first = api.await("victor", "/api/v1/reports?limit=1&to=" + today, Duration.ofSeconds(30),
        v -> v.path("reports").size() == 1 && !v.path("nextPageToken").isNull());
    String token = first.path("nextPageToken").asText();
    JsonNode second = api.get("victor", "/api/v1/reports?limit=1&to=" + today + "&pageToken="
        + URLEncoder.encode(token, StandardCharsets.UTF_8)).json();
    assertThat(second.path("reports").get(0).path("id").asText()).isNotEqualTo(first.at("/reports/0/id").asText());
    assertThat(second.at("/reports/0/finishedAt").asText()).isLessThanOrEqualTo(first.at("/reports/0/finishedAt").asText());
    JsonNode byCursor = api.get("victor", "/api/v1/reports?limit=1&to=" + today + "&cursor="
        + first.path("nextCursor").asText()).json();
    assertThat(byCursor.at("/reports/0/id").asText()).as("cursor and the older pageToken page alike")
        .isEqualTo(second.at("/reports/0/id").asText());
    assertThat(api.get("victor", "/api/v1/reports?limit=1&cursor=" + first.path("nextCursor").asText()).status())
        .as("a cursor of other filters (no to=)").isEqualTo(400);
    assertThat(api.get("victor", "/api/v1/reports?limit=0").status()).isEqualTo(400);

    assertThat(api.get("victor", "/api/v1/reports?from=2026-13-01").status()).isEqualTo(422);
    assertThat(api.get("victor", "/api/v1/reports?from=2020-01-01&to=2026-01-01").text()).contains("more than 366 days");
    assertThat(api.get("victor", "/api/v1/reports/..%2F..%2Fsecrets").status()).isIn(400, 404, 422);
    assertThat(api.get("victor", "/api/v1/reports/" + today + "/X/main/000000000Z.COMPLETED.r.w.json").status())
        .isEqualTo(404);
    assertThat(api.get(null, "/api/v1/reports").status()).isEqualTo(401);
  }

  /** What Temporal's retention does to a closed run, done now; returns once Temporal says it is gone. */
  private void deleteFromTemporal(String workflowId, String runId) throws Exception {
    Process p = new ProcessBuilder(List.of(new Prerequisites().temporal().toString(), "workflow", "delete",
        "--workflow-id", workflowId, "--run-id", runId, "--yes", "--namespace", api.stack.temporal().namespace(),
        "--address", api.stack.temporal().address())).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        api.service.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(api.stack.temporal().namespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId)).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return;
        }
        throw e;
      }
      assertThat(System.nanoTime()).as("history of %s still there a minute after delete", workflowId).isLessThan(end);
      Thread.sleep(250);
    }
  }
}
