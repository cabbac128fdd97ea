package io.pgrunbooks.api.auth.oidc;

import io.dropwizard.auth.AuthFilter;
import io.pgrunbooks.api.auth.ApiUser;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;

/** The approvals page's sign-in: the session cookie set by {@link OidcLoginServlet}. */
@Priority(Priorities.AUTHENTICATION)
public final class SessionAuthFilter extends AuthFilter<String, ApiUser> {
  private SessionAuthFilter() {}

  @Override
  public void filter(ContainerRequestContext request) {
    Cookie cookie = request.getCookies().get(Sessions.COOKIE);
    if (cookie == null || !authenticate(request, cookie.getValue(), "Session")) {
      throw unauthorizedHandler.buildException(prefix, realm);
    }
  }

  /** Authenticates session ids against {@code sessions}. */
  public static final class Builder extends AuthFilterBuilder<String, ApiUser, SessionAuthFilter> {
    public Builder(Sessions sessions) {
      setAuthenticator(id -> sessions.find(id).map(Sessions.Session::user));
      setPrefix("Session");
    }

    @Override
    protected SessionAuthFilter newInstance() {
      return new SessionAuthFilter();
    }
  }
}
