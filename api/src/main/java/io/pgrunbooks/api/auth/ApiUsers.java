package io.pgrunbooks.api.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.auth.Authenticator;
import io.dropwizard.auth.Authorizer;
import io.dropwizard.auth.basic.BasicCredentials;
import io.pgrunbooks.config.ApiUserConfig;
import io.pgrunbooks.config.ApprovalsConfig;
import io.pgrunbooks.config.RunbooksConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The users of the config's {@code api.users}, with their bcrypt password hashes resolved once at
 * start-up from the environment or a file (a missing hash stops the start, naming the variable or
 * file, never a value). Authenticates Basic credentials and authorizes roles.
 */
public final class ApiUsers implements Authenticator<BasicCredentials, ApiUser>, Authorizer<ApiUser> {
  private static final int DEFAULT_COST = 10;

  private record Account(ApiUser user, byte[] hash) {}

  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private final Set<String> deciderRoles;
  // Compared against when the user is unknown, at the highest cost of the configured hashes: a wrong
  // name then costs as long as a wrong password (a cheaper dummy would tell names apart by timing).
  private final byte[] dummyHash;

  public ApiUsers(RunbooksConfig config, Map<String, String> env) {
    for (ApiUserConfig u : config.api().users()) {
      String hash = u.resolvePasswordHash(env);
      if (hash == null || !hash.strip().startsWith("$2")) {
        throw new IllegalStateException("api user " + u.name() + ": the password hash "
            + (u.passwordHashEnv() != null ? "in environment variable " + u.passwordHashEnv()
                : "in file " + u.passwordHashFile()) + " is not a bcrypt hash ($2a$/$2b$/$2y$...)");
      }
      accounts.put(u.name(), new Account(new ApiUser(u.name(), new HashSet<>(u.roles())),
          hash.strip().getBytes(StandardCharsets.UTF_8)));
    }
    deciderRoles = deciderRoles(config.approvals());
    int cost = accounts.values().stream().mapToInt(a -> cost(a.hash())).max().orElse(DEFAULT_COST);
    dummyHash = BCrypt.withDefaults().hash(cost, new byte[16], "no such user".getBytes(StandardCharsets.UTF_8));
  }

  /** The cost factor of a {@code $2a$NN$...} hash. */
  static int cost(byte[] hash) {
    String h = new String(hash, StandardCharsets.US_ASCII);
    try {
      return Integer.parseInt(h.substring(4, 6));
    } catch (RuntimeException e) {
      return DEFAULT_COST;
    }
  }

  /** The cost of the hash an unknown user's password is checked against. */
  int dummyCost() {
    return cost(dummyHash);
  }

  /** {@code approver} plus every role the config lets approve some runbook. */
  static Set<String> deciderRoles(ApprovalsConfig approvals) {
    Set<String> roles = new HashSet<>(ApprovalsConfig.DEFAULT_ROLES);
    approvals.roles().values().forEach(list -> {
      if (list != null) {
        roles.addAll(list);
      }
    });
    return Set.copyOf(roles);
  }

  @Override
  public Optional<ApiUser> authenticate(BasicCredentials credentials) {
    Account account = accounts.get(credentials.getUsername());
    byte[] password = credentials.getPassword().getBytes(StandardCharsets.UTF_8);
    boolean ok;
    try {
      ok = BCrypt.verifyer().verify(password, account == null ? dummyHash : account.hash()).verified;
    } catch (IllegalArgumentException overLong) {
      // bcrypt reads at most 72 bytes and this verifier refuses longer input: a wrong password, not a server error
      ok = false;
    }
    return ok && account != null ? Optional.of(account.user()) : Optional.empty();
  }

  @Override
  public boolean authorize(ApiUser user, String role, ContainerRequestContext request) {
    return user.roles().contains(role);
  }

  /** Whether this user may decide approvals at all: one of its roles approves some runbook. */
  public boolean mayDecide(ApiUser user) {
    return user.roles().stream().anyMatch(deciderRoles::contains);
  }

  /** Whether this user may decide this pending request: one of its roles is among the roles it accepts. */
  public boolean mayDecide(ApiUser user, JsonNode pending) {
    if (!mayDecide(user)) {
      return false;
    }
    JsonNode roles = pending.path("roles");
    if (!roles.isArray() || roles.isEmpty()) {
      return user.roles().contains(ApiUser.APPROVER);
    }
    for (JsonNode r : roles) {
      if (user.roles().contains(r.asText())) {
        return true;
      }
    }
    return false;
  }

  /** Whether this user may start runs. */
  public static boolean mayStart(ApiUser user) {
    return user.roles().contains(ApiUser.OPERATOR);
  }

  public List<String> names() {
    return List.copyOf(accounts.keySet());
  }
}
