package io.pgrunbooks.api.auth;

import java.security.Principal;
import java.util.Set;

/**
 * An authenticated user of the API: its name is the approver name of its decisions and the
 * {@code requestedBy} of the runs it starts.
 *
 * @param roles {@code viewer}, {@code operator}, {@code approver} or approval roles from the config
 * @param subject the OpenID provider's {@code sub} of a signed-in user; null for a Basic user
 * @param displayName the provider's {@code name} (else the user name); null for a Basic user
 */
public record ApiUser(String name, Set<String> roles, String subject, String displayName) implements Principal {
  public static final String VIEWER = "viewer";
  public static final String OPERATOR = "operator";
  public static final String APPROVER = "approver";

  public ApiUser {
    roles = Set.copyOf(roles);
  }

  /** A user of the config's {@code api.users} (HTTP Basic). */
  public ApiUser(String name, Set<String> roles) {
    this(name, roles, null, null);
  }

  @Override
  public String getName() {
    return name;
  }
}
