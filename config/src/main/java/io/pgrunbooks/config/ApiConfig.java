package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The REST API and approvals page.
 *
 * @param port application port (default 8080)
 * @param adminPort admin port with health checks and metrics (default 8081)
 * @param bindHost address the application port listens on (default 127.0.0.1: the login is HTTP Basic, so expose
 *     it through a TLS proxy, or set the address to listen on)
 * @param adminBindHost address the admin port listens on (default 127.0.0.1: it has no login)
 * @param users who may log in with HTTP Basic
 * @param oidc OpenID Connect sign-in (page) and bearer tokens (API); null when off
 */
public record ApiConfig(int port, int adminPort, String bindHost, String adminBindHost, List<ApiUserConfig> users,
                        OidcConfig oidc) {
  public static final String LOOPBACK = "127.0.0.1";

  public ApiConfig {
    users = Copies.list(users);
  }

  public static ApiConfig defaults() {
    return fromYaml(null, null, null, null, null, null);
  }

  @JsonCreator
  static ApiConfig fromYaml(
      @JsonProperty("port") Integer port,
      @JsonProperty("adminPort") Integer adminPort,
      @JsonProperty("bindHost") String bindHost,
      @JsonProperty("adminBindHost") String adminBindHost,
      @JsonProperty("users") List<ApiUserConfig> users,
      @JsonProperty("oidc") OidcConfig oidc) {
    return new ApiConfig(Copies.or(port, 8080), Copies.or(adminPort, 8081), Copies.or(bindHost, LOOPBACK),
        Copies.or(adminBindHost, LOOPBACK), users, oidc);
  }
}
