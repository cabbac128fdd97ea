package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.api.ApiFixture.Reply;
import io.pgrunbooks.api.paging.Cursor;
import io.pgrunbooks.client.RunFilters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Cursor pagination of the list endpoints on the real stack: Temporal's own page tokens for runs, keyset
 * pages for the approvals inbox; bad limits and cursors are 400 in the error shape, naming the parameter.
 */
class ApiPagingTest extends StartsRuns {
  /** Two runs waiting for their approvals, older first, once {@code path} (a list as {@code user}) shows both. */
  private List<String> twoPendingRuns(String user, String path, String listField) throws Exception {
    String older = api.newMaintenanceRun("olivia", "paging-", started);
    api.awaitPending(older);
    String newer = api.newMaintenanceRun("olivia", "paging-", started);
    api.awaitPending(newer);
    api.await(user, path, Duration.ofSeconds(30), l -> ApiResourceTest.containsRun(l.path(listField), older)
        && ApiResourceTest.containsRun(l.path(listField), newer));
    return List.of(older, newer);
  }

  @Test
  void runsPageThroughTemporalsTokensNewestFirstWithoutRepeatsUntilNextCursorIsNull() throws Exception {
    List<String> runs = twoPendingRuns("victor", "/api/v1/runs?runbook=PartitionMaintenance&state=AWAITING_APPROVAL"
        + "&limit=10", "runs");
    String older = runs.get(0);
    String newer = runs.get(1);
    String filter = "/api/v1/runs?runbook=PartitionMaintenance&state=AWAITING_APPROVAL&limit=1";

    List<String> seen = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 20; page++) {
      Reply r = api.get("victor", filter + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().path("runs").size()).isLessThanOrEqualTo(1);
      r.json().path("runs").forEach(run -> seen.add(run.path("workflowId").asText()));
      if (r.json().path("nextCursor").isNull()) {
        cursor = null;
        break;
      }
      cursor = r.json().path("nextCursor").asText();
    }
    assertThat(cursor).as("the last page says so with nextCursor null").isNull();
    assertThat(new HashSet<>(seen)).as("no run twice").hasSameSizeAs(seen);
    assertThat(seen).contains(older, newer);
    assertThat(seen.indexOf(newer)).as("newest first").isLessThan(seen.indexOf(older));
  }

  @Test
  void badLimitsAndCursorsAre400NamingTheParameter() {
    Reply limit = api.get("victor", "/api/v1/runs?limit=ten");
    assertThat(limit.status()).isEqualTo(400);
    assertThat(limit.json().path("error").asText())
        .isEqualTo("limit must be a whole number from 1 to 500 (default 50), got 'ten'");
    assertThat(limit.json().at("/fields/0/field").asText()).isEqualTo("limit");
    assertThat(api.get("victor", "/api/v1/approvals?limit=501").status()).isEqualTo(400);
    assertThat(api.get("victor", "/api/v1/archives?cluster=main&database=app&table=public.t&limit=0").status())
        .isEqualTo(400);

    Reply garbage = api.get("victor", "/api/v1/runs?cursor=bm9wZQ");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.json().at("/fields/0/field").asText()).isEqualTo("cursor");
    assertThat(garbage.json().path("error").asText()).startsWith("cursor is not one this API returned");

    String runsCursor = api.get("victor", "/api/v1/runs?limit=1").json().path("nextCursor").asText();
    Reply otherFilters = api.get("victor", "/api/v1/runs?limit=1&state=FAILED&cursor=" + runsCursor);
    assertThat(otherFilters.status()).isEqualTo(400);
    assertThat(otherFilters.json().path("error").asText()).startsWith("cursor was made for other filters");
    Reply otherList = api.get("victor", "/api/v1/approvals?cursor=" + runsCursor);
    assertThat(otherList.status()).isEqualTo(400);
    assertThat(otherList.json().path("error").asText()).startsWith("cursor belongs to the runs list, not to approvals");

    // Well-formed for this API, but Temporal never handed out this page token.
    String forged = Cursor.encode("runs", RunFilters.query(null, null, null), "AAECAwQFBgc");
    Reply refused = api.get("victor", "/api/v1/runs?cursor=" + forged);
    assertThat(refused.status()).as(refused.text()).isEqualTo(400);
    assertThat(refused.json().path("error").asText()).contains("Temporal refused its page token");
  }

  @Test
  void theInboxPagesSoonestDeadlineFirstAndSaysTheWorkerPolls() throws Exception {
    twoPendingRuns("alice", "/api/v1/approvals", "approvals");
    JsonNode all = api.get("alice", "/api/v1/approvals").json();
    assertThat(all.at("/workers/polling").asBoolean()).isTrue();
    assertThat(all.at("/workers/taskQueues/0/name").asText()).isEqualTo("pg-runbooks");
    assertThat(all.at("/workers/taskQueues/0/pollers").asInt()).isPositive();
    assertThat(all.at("/workers/message").isNull()).isTrue();
    assertThat(all.path("waitingRuns")).isEmpty();
    List<String> deadlines = new ArrayList<>();
    all.path("approvals").forEach(x -> deadlines.add(x.path("deadline").asText()));
    assertThat(deadlines).isSorted();

    Set<String> paged = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = api.get("alice", "/api/v1/approvals?limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      assertThat(page.path("approvals").size()).isLessThanOrEqualTo(1);
      page.path("approvals").forEach(x -> paged.add(x.path("workflowId").asText() + "/" + x.path("requestId").asText()));
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 50);
    assertThat(paged).hasSize(all.path("approvals").size());
  }
}
