package io.pgrunbooks.api.auth;

import io.pgrunbooks.api.resources.ApiErrors;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import io.pgrunbooks.api.auth.oidc.Sessions;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request forgery guard: a state-changing request must carry a JSON body and the
 * {@value #HEADER} header. A form on another site can send neither (a custom header or a JSON
 * content type makes the browser ask first, and this API answers no CORS pre-flight). A request
 * authenticated by the page's sign-in cookie (no {@code Authorization} header) must also carry its
 * session's token in {@value #CSRF_HEADER}: the cookie travels by itself, the token only from the page.
 */
@PreMatching
public final class StateChangeGuard implements ContainerRequestFilter {
  public static final String HEADER = "X-Requested-By";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Set<String> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private static final long MAX_DRAINED = 1 << 20;

  private final Sessions sessions;

  /** Without single sign-on (no session cookies). */
  public StateChangeGuard() {
    this(null);
  }

  /** {@code sessions}: the page's sign-ins, whose state changes need their CSRF token; null when off. */
  public StateChangeGuard(Sessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    if (SAFE.contains(request.getMethod())) {
      return;
    }
    String header = request.getHeaderString(HEADER);
    if (header == null || header.isBlank()) {
      refuse(request, ApiErrors.response(Response.Status.FORBIDDEN, "a " + request.getMethod()
          + " needs the header " + HEADER + " (any value, e.g. " + HEADER + ": curl)"));
      return;
    }
    MediaType type = request.getMediaType();
    if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
      refuse(request, ApiErrors.response(Response.Status.UNSUPPORTED_MEDIA_TYPE, "a " + request.getMethod()
          + " needs Content-Type: application/json, got " + (type == null ? "none" : type.toString())));
      return;
    }
    Cookie cookie = request.getCookies().get(Sessions.COOKIE);
    if (sessions == null || cookie == null || request.getHeaderString(HttpHeaders.AUTHORIZATION) != null) {
      return;
    }
    Optional<Sessions.Session> session = sessions.find(cookie.getValue());
    if (session.isPresent() && !Sessions.csrfMatches(session.get(), request.getHeaderString(CSRF_HEADER))) {
      refuse(request, ApiErrors.response(Response.Status.FORBIDDEN, "a " + request.getMethod() + " signed in"
          + " through the page needs the header " + CSRF_HEADER + " with its session's token (GET /api/v1/me"
          + " gives it as csrfToken); the approvals page sends it"));
    }
  }

  /**
   * Reads the refused request's (small) body before answering, so the server keeps the connection open: a
   * refusal that leaves the body unread lets Jetty close a keep-alive connection the client is about to
   * reuse, and the client's next request then fails with "received no bytes".
   */
  private static void refuse(ContainerRequestContext request, Response response) {
    try (InputStream body = request.getEntityStream()) {
      byte[] buffer = new byte[8192];
      long read = 0;
      for (int n; body != null && read < MAX_DRAINED && (n = body.read(buffer)) > 0; ) {
        read += n;
      }
    } catch (IOException e) {
      // the client went away or sent a broken body: it is refused all the same
    }
    request.abortWith(response);
  }
}
