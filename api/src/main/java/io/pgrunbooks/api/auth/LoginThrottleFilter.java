package io.pgrunbooks.api.auth;

import io.dropwizard.auth.Authenticator;
import io.dropwizard.auth.basic.BasicCredentials;
import io.pgrunbooks.api.resources.ApiErrors;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Runs before Basic authentication: refuses (429, {@code Retry-After}) a login whose user name or
 * client address is over its failure limit ({@link LoginThrottle}) without checking the password,
 * and hands the address to {@link #counting}, which records the outcome of the check.
 */
@Priority(Priorities.AUTHENTICATION - 10)
public final class LoginThrottleFilter implements ContainerRequestFilter {
  // Jersey runs the request filters and the authenticator on the request's thread.
  private static final ThreadLocal<String> ADDRESS = new ThreadLocal<>();

  private final LoginThrottle throttle;
  @Context private HttpServletRequest servletRequest;

  public LoginThrottleFilter(LoginThrottle throttle) {
    this.throttle = throttle;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String address = servletRequest == null ? null : servletRequest.getRemoteAddr();
    ADDRESS.set(address);
    String user = basicUser(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (user == null) {
      return;
    }
    Optional<Duration> wait = throttle.blocked(user, address);
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      Response r = ApiErrors.response(Response.Status.TOO_MANY_REQUESTS, "too many failed logins for this user or"
          + " from this address; try again in " + seconds + " s");
      request.abortWith(Response.fromResponse(r).header(HttpHeaders.RETRY_AFTER, seconds).build());
    }
  }

  /** The authenticator that counts failed and successful checks against the throttle. */
  public static Authenticator<BasicCredentials, ApiUser> counting(Authenticator<BasicCredentials, ApiUser> users,
                                                                  LoginThrottle throttle) {
    return credentials -> {
      Optional<ApiUser> user = users.authenticate(credentials);
      if (user.isPresent()) {
        throttle.succeeded(credentials.getUsername());
      } else {
        throttle.failed(credentials.getUsername(), ADDRESS.get());
      }
      return user;
    };
  }

  private static String basicUser(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : decoded.substring(0, colon);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
