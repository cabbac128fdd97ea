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
  @Override
  public Response buildResponse(String prefix, String realm) {
    Response r = ApiErrors.response(Response.Status.UNAUTHORIZED, "log in: HTTP Basic credentials of an API user");
    return Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"").build();
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
