package io.pgrunbooks.api;

import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.pgrunbooks.config.RunbooksConfig;
import java.util.List;
import java.util.Map;

/**
 * Dropwizard's configuration, built from the one pg-runbooks config file (no second YAML file):
 * the application and admin connectors come from its {@code api} section, the rest of the file is
 * kept for the resources (Temporal, approvals, users).
 */
public final class ApiConfiguration extends Configuration {
  private final RunbooksConfig runbooks;
  private final Map<String, String> env;

  public ApiConfiguration(RunbooksConfig runbooks, Map<String, String> env) {
    this.runbooks = runbooks;
    this.env = Map.copyOf(env);
    DefaultServerFactory server = new DefaultServerFactory();
    server.setApplicationConnectors(List.of(connector(runbooks.api().bindHost(), runbooks.api().port())));
    server.setAdminConnectors(List.of(connector(runbooks.api().adminBindHost(), runbooks.api().adminPort())));
    // Resources under /api, the approvals page's static files at the root.
    server.setJerseyRootPath("/api/*");
    setServerFactory(server);
  }

  public RunbooksConfig runbooks() {
    return runbooks;
  }

  /** The environment secrets (password hashes, signing key) are resolved from. */
  public Map<String, String> env() {
    return env;
  }

  private static HttpConnectorFactory connector(String bindHost, int port) {
    HttpConnectorFactory http = new HttpConnectorFactory();
    http.setBindHost(bindHost);
    http.setPort(port);
    return http;
  }
}
