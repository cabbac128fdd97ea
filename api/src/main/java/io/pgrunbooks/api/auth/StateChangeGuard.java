package io.pgrunbooks.api.auth;

import io.pgrunbooks.api.resources.ApiErrors;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/**
 * Cross-site request forgery guard: a state-changing request must carry a JSON body and the
 * {@value #HEADER} header. A form on another site can send neither (a custom header or a JSON
 * content type makes the browser ask first, and this API answers no CORS pre-flight).
 */
@PreMatching
public final class StateChangeGuard implements ContainerRequestFilter {
  public static final String HEADER = "X-Requested-By";
  private static final Set<String> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  @Override
  public void filter(ContainerRequestContext request) {
    if (SAFE.contains(request.getMethod())) {
      return;
    }
    String header = request.getHeaderString(HEADER);
    if (header == null || header.isBlank()) {
      request.abortWith(ApiErrors.response(Response.Status.FORBIDDEN, "a " + request.getMethod()
          + " needs the header " + HEADER + " (any value, e.g. " + HEADER + ": curl)"));
      return;
    }
    MediaType type = request.getMediaType();
    if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
      request.abortWith(ApiErrors.response(Response.Status.UNSUPPORTED_MEDIA_TYPE, "a " + request.getMethod()
          + " needs Content-Type: application/json, got " + (type == null ? "none" : type.toString())));
    }
  }
}
