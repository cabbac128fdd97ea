package io.pgrunbooks.config;

import java.util.Map;

/**
 * A login whose password is never written in the config: it comes from an environment variable
 * or a file (resolved relative to the config file's directory when loaded).
 *
 * @param user login name (default postgres)
 * @param passwordEnv name of the environment variable holding the password
 * @param passwordFile file holding the password; one trailing newline is ignored
 */
public record Credentials(String user, String passwordEnv, String passwordFile) {
  public Credentials {
    user = Copies.or(user, "postgres");
  }

  public static Credentials defaults() {
    return new Credentials(null, null, null);
  }

  /**
   * The password, or null when neither {@code passwordEnv} nor {@code passwordFile} is set.
   *
   * @throws IllegalStateException naming the variable or file when it is unset or unreadable
   */
  public String resolvePassword(Map<String, String> env) {
    return Secrets.resolve("password of " + user, passwordEnv, passwordFile, env);
  }

  @Override
  public String toString() {
    return "Credentials[user=" + user + ", passwordEnv=" + passwordEnv + ", passwordFile=" + passwordFile + "]";
  }
}
