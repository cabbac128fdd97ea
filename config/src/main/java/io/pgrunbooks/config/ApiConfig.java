package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The REST API and approvals page.
 *
 * @param port application port (default 8080)
 * @param adminPort admin port with health checks and metrics (default 8081)
 * @param users who may log in
 */
public record ApiConfig(int port, int adminPort, List<ApiUserConfig> users) {
  public ApiConfig {
    users = Copies.list(users);
  }

  public static ApiConfig defaults() {
    return fromYaml(null, null, null);
  }

  @JsonCreator
  static ApiConfig fromYaml(
      @JsonProperty("port") Integer port,
      @JsonProperty("adminPort") Integer adminPort,
      @JsonProperty("users") List<ApiUserConfig> users) {
    return new ApiConfig(Copies.or(port, 8080), Copies.or(adminPort, 8081), users);
  }
}
