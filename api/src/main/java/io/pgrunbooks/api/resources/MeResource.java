package io.pgrunbooks.api.resources;

import io.dropwizard.auth.Auth;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.auth.ApiUsers;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/v1/me}: who is logged in and what they may do (the page shows buttons accordingly). */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class MeResource {
  private final ApiUsers users;

  public MeResource(ApiUsers users) {
    this.users = users;
  }

  @GET
  public Map<String, Object> me(@Auth ApiUser user) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", user.name());
    m.put("roles", user.roles().stream().sorted().toList());
    m.put("mayStart", ApiUsers.mayStart(user));
    m.put("mayDecide", users.mayDecide(user));
    return m;
  }
}
