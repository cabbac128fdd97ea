package io.pgrunbooks.api.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.auth.Auth;
import io.pgrunbooks.api.RunService;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.auth.ApiUsers;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/approvals}: every pending approval across runs, with whether the caller may decide it. */
@Path("/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class ApprovalsResource {
  private final RunService runs;
  private final ApiUsers users;

  public ApprovalsResource(RunService runs, ApiUsers users) {
    this.runs = runs;
    this.users = users;
  }

  @GET
  @Timed
  public ArrayNode pending(@Auth ApiUser user) {
    ArrayNode all = runs.pendingApprovals();
    for (JsonNode a : all) {
      ((ObjectNode) a).put("youMayDecide", users.mayDecide(user, a));
    }
    return all;
  }
}
