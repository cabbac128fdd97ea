package io.pgrunbooks.config;

import java.util.List;
import java.util.Map;

/**
 * A user of the API. The password hash is read from an environment variable or a file, never
 * written in the config.
 *
 * @param roles roles, matched against the approver roles a step requires
 */
public record ApiUserConfig(String name, List<String> roles, String passwordHashEnv, String passwordHashFile) {
  public ApiUserConfig {
    roles = Copies.list(roles);
  }

  /** The password hash. */
  public String resolvePasswordHash(Map<String, String> env) {
    return Secrets.resolve("password hash of API user " + name, passwordHashEnv, passwordHashFile, env);
  }
}
