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
 * @param logFormat {@code text} (default) or {@code json}: one JSON object per line on stderr, with
 *     the run's {@code workflowId}, {@code runId}, {@code runbook}, {@code cluster}, {@code activity}
 *     (worker and node agents)
 */
public record WorkerConfig(int metricsPort, Duration agentStartTimeout, String logFormat) {
  public static final String TEXT = "text";
  public static final String JSON = "json";

  public WorkerConfig {
    agentStartTimeout = agentStartTimeout == null ? Duration.ofSeconds(30) : agentStartTimeout;
    logFormat = logFormat == null ? TEXT : logFormat;
  }

  public WorkerConfig(int metricsPort, Duration agentStartTimeout) {
    this(metricsPort, agentStartTimeout, TEXT);
  }

  public static WorkerConfig defaults() {
    return fromYaml(null, null, null);
  }

  // Boxed so that an absent metricsPort (default) differs from an explicit 0 (off).
  @JsonCreator
  static WorkerConfig fromYaml(
      @JsonProperty("metricsPort") Integer metricsPort,
      @JsonProperty("agentStartTimeout") Duration agentStartTimeout,
      @JsonProperty("logFormat") String logFormat) {
    return new WorkerConfig(Copies.or(metricsPort, 9464), agentStartTimeout, logFormat);
  }
}
