package io.pgrunbooks.api.resources;

import io.dropwizard.auth.Auth;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.auth.ApiUsers;
import jakarta.annotation.security.PermitAll;
import io.pgrunbooks.api.auth.oidc.Sessions;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/me}: who is logged in and what they may do (the page shows buttons accordingly); for
 * the page's sign-in also the provider's subject, the display name and the session's CSRF token.
 */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class MeResource {
  private final ApiUsers users;
  private final Sessions sessions;

  public MeResource(ApiUsers users) {
    this(users, null);
  }

  /** {@code sessions}: the page's sign-ins, or null without single sign-on. */
  public MeResource(ApiUsers users, Sessions sessions) {
    this.users = users;
    this.sessions = sessions;
  }

  @GET
  public Map<String, Object> me(@Auth ApiUser user, @CookieParam(Sessions.COOKIE) String sessionId,
                                @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", user.name());
    if (user.subject() != null) {
      m.put("subject", user.subject());
      m.put("displayName", user.displayName());
    }
    if (sessions != null && authorization == null) {
      sessions.find(sessionId).ifPresent(s -> {
        m.put("session", true);
        m.put("csrfToken", s.csrfToken());
      });
    }
    m.put("roles", user.roles().stream().sorted().toList());
    m.put("mayStart", ApiUsers.mayStart(user));
    m.put("mayDecide", users.mayDecide(user));
    return m;
  }
}
