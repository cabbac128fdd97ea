package io.pgrunbooks.api.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.auth.Auth;
import io.pgrunbooks.api.RunService;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.auth.ApiUsers;
import io.pgrunbooks.api.paging.Cursor;
import io.pgrunbooks.api.paging.KeysetPage;
import io.pgrunbooks.api.paging.PageRequest;
import io.pgrunbooks.api.workers.WorkerPresence;
import io.pgrunbooks.workflows.common.TaskQueues;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/approvals}: every pending approval across runs, with whether the caller may decide it,
 * most urgent deadline first, paged by {@code limit} and {@code cursor}; and whether a worker polls the
 * central task queue: without one no run can say what it waits for, so the answer lists the runs waiting
 * for an approval and says how to start a worker instead of showing an empty inbox.
 */
@Path("/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class ApprovalsResource {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;
  private static final int MAX_WAITING_RUNS = 200;

  private final RunService runs;
  private final ApiUsers users;
  private final Clock clock;

  public ApprovalsResource(RunService runs, ApiUsers users, Clock clock) {
    this.runs = runs;
    this.users = users;
    this.clock = clock;
  }

  @GET
  @Timed
  public Map<String, Object> pending(@Auth ApiUser user, @QueryParam("limit") String limit,
                                     @QueryParam("cursor") String cursor) {
    PageRequest request = PageRequest.parse("approvals", "", limit, cursor, DEFAULT_LIMIT, MAX_LIMIT);
    Map<String, Object> workers = WorkerPresence.status(List.of(new WorkerPresence.Queue(TaskQueues.CENTRAL,
        runs.workflowPollers(TaskQueues.CENTRAL))), clock.instant());
    boolean polling = (Boolean) workers.get("polling");
    List<JsonNode> all = new ArrayList<>();
    if (polling) {
      for (JsonNode a : runs.pendingApprovals()) {
        ((ObjectNode) a).put("youMayDecide", users.mayDecide(user, a));
        all.add(a);
      }
    }
    KeysetPage<JsonNode> page = KeysetPage.of(all, a -> KeysetPage.key(
        KeysetPage.timeKey(a.path("deadline").asText(null), false), a.path("workflowId").asText(),
        a.path("requestId").asText()), request);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("approvals", page.items());
    body.put("nextCursor", page.nextPosition() == null ? null : Cursor.encode("approvals", "", page.nextPosition()));
    body.put("workers", workers);
    // Without a worker the runs cannot be asked what they wait for, but visibility still knows they wait.
    body.put("waitingRuns", polling ? List.of()
        : runs.list(RunService.awaitingApprovalQuery(), MAX_WAITING_RUNS));
    return body;
  }
}
