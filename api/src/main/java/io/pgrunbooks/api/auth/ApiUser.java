package io.pgrunbooks.api.auth;

import java.security.Principal;
import java.util.Set;

/**
 * An authenticated user of the API: its name is the approver name of its decisions and the
 * {@code requestedBy} of the runs it starts.
 *
 * @param roles {@code viewer}, {@code operator}, {@code approver} or approval roles from the config
 */
public record ApiUser(String name, Set<String> roles) implements Principal {
  public static final String VIEWER = "viewer";
  public static final String OPERATOR = "operator";
  public static final String APPROVER = "approver";

  public ApiUser {
    roles = Set.copyOf(roles);
  }

  @Override
  public String getName() {
    return name;
  }
}
