package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Settings of the central worker process.
 *
 * @param metricsPort Prometheus scrape port (default 9464; 0 = no metrics endpoint)
 * @param agentStartTimeout how long a workflow waits for a node agent to pick up a task before
 *     failing with a clear "agent not running" error (default 30s)
 */
public record WorkerConfig(int metricsPort, Duration agentStartTimeout) {
  public WorkerConfig {
    agentStartTimeout = agentStartTimeout == null ? Duration.ofSeconds(30) : agentStartTimeout;
  }

  public static WorkerConfig defaults() {
    return fromYaml(null, null);
  }

  // Boxed so that an absent metricsPort (default) differs from an explicit 0 (off).
  @JsonCreator
  static WorkerConfig fromYaml(
      @JsonProperty("metricsPort") Integer metricsPort,
      @JsonProperty("agentStartTimeout") Duration agentStartTimeout) {
    return new WorkerConfig(Copies.or(metricsPort, 9464), agentStartTimeout);
  }
}
