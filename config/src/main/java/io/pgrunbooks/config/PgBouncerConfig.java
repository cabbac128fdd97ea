package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The PgBouncer in front of a cluster, driven through its admin console (PAUSE, RESUME, RELOAD).
 *
 * @param port listen port (default 6432)
 * @param adminUser admin console user (default pgbouncer)
 * @param node name of the node whose agent manages this PgBouncer (rewrites its config file), or null
 * @param configFile pgbouncer.ini on that host, or null
 * @param credentials admin console credentials, or null when the console needs no password
 */
public record PgBouncerConfig(
    String host, int port, String adminUser, String node, String configFile, Credentials credentials) {

  public PgBouncerConfig {
    adminUser = Copies.or(adminUser, "pgbouncer");
  }

  @JsonCreator
  static PgBouncerConfig fromYaml(
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("adminUser") String adminUser,
      @JsonProperty("node") String node,
      @JsonProperty("configFile") String configFile,
      @JsonProperty("credentials") Credentials credentials) {
    return new PgBouncerConfig(host, Copies.or(port, 6432), adminUser, node, configFile, credentials);
  }
}
