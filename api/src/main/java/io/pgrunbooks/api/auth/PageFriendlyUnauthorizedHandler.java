package io.pgrunbooks.api.auth;

import io.dropwizard.auth.UnauthorizedHandler;
import io.pgrunbooks.api.resources.ApiErrors;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * 401 as JSON with the usual Basic challenge. {@link PageRequests} drops the challenge for the
 * approvals page's own requests (they carry {@value StateChangeGuard#HEADER}), so a browser shows
 * the page's login form rather than its native password dialog; curl still gets the challenge.
 */
public final class PageFriendlyUnauthorizedHandler implements UnauthorizedHandler {
  // Jersey runs the auth filters and this handler on the request's thread.
  private static final ThreadLocal<String> REASON = new ThreadLocal<>();

  private final String howToLogIn;

  /** For Basic users only. */
  public PageFriendlyUnauthorizedHandler() {
    this(false);
  }

  /** {@code oidc}: bearer tokens and the page's sign-in are accepted too. */
  public PageFriendlyUnauthorizedHandler(boolean oidc) {
    howToLogIn = oidc ? "log in: an OpenID Connect bearer token, the approvals page's sign-in, or HTTP Basic"
        + " credentials of an API user" : "log in: HTTP Basic credentials of an API user";
  }

  /** Why this request's credentials were refused, for the 401 body (a sentence). */
  public static void explain(String reason) {
    REASON.set(reason);
  }

  @Override
  public Response buildResponse(String prefix, String realm) {
    String reason = REASON.get();
    REASON.remove();
    Response r = ApiErrors.response(Response.Status.UNAUTHORIZED, reason != null ? reason : howToLogIn);
    String challenge = "Session".equals(prefix) ? "Basic" : prefix;
    return Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, challenge + " realm=\"" + realm + "\""
        + (reason != null && "Bearer".equals(prefix) ? ", error=\"invalid_token\"" : "")).build();
  }

  /** Removes the challenge from 401s answered to the page. */
  public static final class PageRequests implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
      if (response.getStatus() == 401 && request.getHeaderString(StateChangeGuard.HEADER) != null) {
        response.getHeaders().remove(HttpHeaders.WWW_AUTHENTICATE);
      }
    }
  }
}
