package io.pgrunbooks.api.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.auth.Auth;
import io.pgrunbooks.api.RunService;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.auth.ApiUsers;
import io.pgrunbooks.workflows.approval.Decision;
import io.pgrunbooks.workflows.approval.DecisionResult;
import io.pgrunbooks.client.DecisionRefused;
import io.pgrunbooks.client.Decisions;
import io.temporal.client.WorkflowStub;
import jakarta.ws.rs.WebApplicationException;
import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.client.RunFilters;
import io.pgrunbooks.client.RunStarts;
import io.pgrunbooks.client.RunbookCatalog;
import io.pgrunbooks.client.RunbookTargets;
import io.temporal.api.common.v1.WorkflowExecution;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import io.grpc.StatusRuntimeException;
import io.pgrunbooks.api.paging.BadPageRequest;
import io.pgrunbooks.api.paging.Cursor;
import io.pgrunbooks.api.paging.PageRequest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/runs}: start a runbook (operators), list runs through the visibility search
 * attributes, show one run with its progress, pending approvals and, when done, its report, and vote
 * on its pending approvals.
 */
@Path("/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public final class RunsResource {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final RunService runs;
  private final ApiUsers users;

  public RunsResource(RunService runs, ApiUsers users) {
    this.runs = runs;
    this.users = users;
  }

  /**
   * {@code {"runbook": "<workflow type>", "input": {...}, "workflowId": optional}}; {@code requestedBy} is
   * always the authenticated user, so the requester can never approve their own run.
   */
  @POST
  @Timed
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(ApiUser.OPERATOR)
  public Response start(@Auth ApiUser user, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw InputProblem.of("body", "the body must be a JSON object {\"runbook\": \"<WorkflowType>\", \"input\": {...}}");
    }
    JsonNode type = body.get("runbook");
    if (type == null || !type.isTextual()) {
      throw InputProblem.of("runbook", "\"runbook\" must name a workflow type, one of: "
          + String.join(", ", RunbookCatalog.all().stream().map(RunbookCatalog.Entry::type).toList()));
    }
    JsonNode inputNode = body.has("input") ? body.get("input")
        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    if (!(inputNode instanceof ObjectNode input)) {
      throw InputProblem.of("input", "\"input\" must be a JSON object");
    }
    String runbook = type.asText();
    RunbookCatalog.validate(runbook, input);
    JsonNode asked = input.get("requestedBy");
    if (asked != null && !asked.isNull() && !asked.asText().equals(user.name())) {
      throw InputProblem.of("input.requestedBy", "requestedBy is the authenticated user (" + user.name()
          + "); leave it out");
    }
    input.put("requestedBy", user.name());
    JsonNode givenId = body.get("workflowId");
    if (givenId != null && !givenId.isNull() && (!givenId.isTextual() || givenId.asText().isBlank())) {
      throw InputProblem.of("workflowId", "\"workflowId\" must be a non-empty string when given");
    }
    String workflowId = givenId != null && !givenId.isNull() ? givenId.asText()
        : RunbookTargets.workflowId(runbook, input);
    WorkflowExecution execution = RunStarts.startChecked(runs.client(), runbook, workflowId, input);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workflowId", workflowId);
    out.put("runId", execution.getRunId());
    out.put("runbook", runbook);
    out.put("uiUrl", runs.uiLink(workflowId));
    return Response.created(UriBuilder.fromPath("/api/v1/runs/{id}").build(workflowId)).entity(out).build();
  }

  /**
   * Runs newest first, one page of {@code limit} (default 50) after {@code cursor}: Temporal's own page
   * token travels inside the cursor, so a page costs one visibility call however many runs match.
   */
  @GET
  @Timed
  @PermitAll
  public Map<String, Object> list(@QueryParam("runbook") String runbook, @QueryParam("state") String state,
                                  @QueryParam("cluster") String cluster, @QueryParam("limit") String limit,
                                  @QueryParam("cursor") String cursor) {
    String query;
    try {
      query = RunFilters.query(blankToNull(runbook), blankToNull(cluster), blankToNull(state));
    } catch (InputProblem e) {
      // The API calls the type filter "runbook".
      throw new InputProblem(e.fields().stream().map(f -> f.field().equals("type")
          ? new InputProblem.Field("runbook", f.problem()) : f).toList());
    }
    PageRequest page = PageRequest.parse("runs", query, limit, cursor, DEFAULT_LIMIT, MAX_LIMIT);
    RunService.RunPage found;
    byte[] token;
    try {
      token = page.position() == null ? null : Base64.getUrlDecoder().decode(page.position());
    } catch (IllegalArgumentException e) {
      throw refusedToken();
    }
    try {
      found = runs.listPage(query, page.limit(), token);
    } catch (StatusRuntimeException e) {
      // Temporal answers a page token it did not hand out with INVALID_ARGUMENT or, on some visibility stores,
      // a bare UNKNOWN: the token is to blame only when the first page of the same query still lists.
      if (token == null) {
        throw e;
      }
      runs.listPage(query, 1, null);
      throw refusedToken();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("runs", found.rows());
    body.put("nextCursor", found.nextPageToken() == null ? null
        : Cursor.encode("runs", query, Base64.getUrlEncoder().encodeToString(found.nextPageToken())));
    return body;
  }

  @GET
  @Timed
  @Path("/{workflowId}")
  @PermitAll
  public ObjectNode get(@PathParam("workflowId") String workflowId) {
    return runs.view(workflowId);
  }

  /**
   * A vote through the {@code decide} update: {@code {"decision": "approve"|"reject", "comment": "..."}};
   * the approver is the authenticated user, the decision is signed when the config has a signing key.
   */
  @POST
  @PermitAll
  @Timed
  @Path("/{workflowId}/approvals/{requestId}")
  @Consumes(MediaType.APPLICATION_JSON)
  public DecisionResult decide(@Auth ApiUser user, @PathParam("workflowId") String workflowId,
                               @PathParam("requestId") String requestId, JsonNode body) {
    DecisionBody vote = DecisionBody.parse(body);
    if (!users.mayDecide(user)) {
      throw new WebApplicationException(ApiErrors.response(Response.Status.FORBIDDEN, user.name() + " has role(s) "
          + user.roles().stream().sorted().toList() + " and may not decide approvals"));
    }
    boolean approve = vote.approve();
    WorkflowStub stub = Decisions.currentRun(runs.client(), workflowId);
    JsonNode pending = Decisions.pendingRequest(stub, workflowId, requestId);
    if (!users.mayDecide(user, pending)) {
      throw new DecisionRefused(user.name() + " has role(s) " + user.roles().stream().sorted().toList()
          + "; deciding needs one of " + pending.path("roles"), false);
    }
    if (runs.signingKey() == null) {
      // Without a key the worker cannot trust roles, so none are sent (and the v2-era payload is kept).
      return Decisions.decide(stub, new Decision(requestId, user.name(), approve, vote.comment(), null,
          user.subject(), user.displayName()));
    }
    // The roles this API granted travel with the decision, signed (v3): a worker with approvals.identityRoles
    // accepts an approver its config does not list on the strength of them.
    List<String> roles = user.roles().stream().sorted().toList();
    String source = runs.identitySource(user.subject() != null);
    String signature = Decisions.signWithRoles(runs.signingKey(), stub, pending, user.name(), approve, source, roles);
    // A signed-in (OIDC) approver is recorded with the provider's subject and display name beside the name.
    return Decisions.decide(stub, new Decision(requestId, user.name(), approve, vote.comment(), signature,
        user.subject(), user.displayName(), roles, source));
  }

  private static BadPageRequest refusedToken() {
    return new BadPageRequest("cursor", "cursor is not one this API returned (Temporal refused its page token); "
        + "pass the nextCursor of the previous page unchanged, or leave cursor out to start at the first page");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
