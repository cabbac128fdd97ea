package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the central worker process.
 *
 * @param metricsPort Prometheus scrape port (default 9464; 0 = no metrics endpoint)
 * @param agentStartTimeout how long a workflow waits for a node agent to pick up a task before
 *     failing with a clear "agent not running" error (default 30s)
 * @param logFormat {@code text} (default) or {@code json}: one JSON object per line on stderr, with
 *     the run's {@code workflowId}, {@code runId}, {@code runbook}, {@code cluster}, {@code activity}
 *     (worker and node agents)
 * @param queues which task queues this worker process polls: {@link #CENTRAL} (every workflow, SQL,
 *     approvals, health checks, failover steps) and/or {@link #HEAVY} (exports, uploads, dumps, restores);
 *     default both. A central-only and a heavy-only process together do what one process of both does.
 * @param central slots and pollers on the central queue ({@link QueueSlots#centralDefaults()})
 * @param heavy slots and pollers on the heavy queue ({@link QueueSlots#heavyDefaults()})
 */
public record WorkerConfig(int metricsPort, Duration agentStartTimeout, String logFormat, List<String> queues,
                           QueueSlots central, QueueSlots heavy) {
  public static final String TEXT = "text";
  public static final String JSON = "json";
  /** {@code worker.queues} entry of the central queue ({@code pg-runbooks}). */
  public static final String CENTRAL = "central";
  /** {@code worker.queues} entry of the heavy queue ({@code pg-runbooks-heavy}). */
  public static final String HEAVY = "heavy";
  public static final List<String> QUEUES = List.of(CENTRAL, HEAVY);

  public WorkerConfig {
    agentStartTimeout = agentStartTimeout == null ? Duration.ofSeconds(30) : agentStartTimeout;
    logFormat = logFormat == null ? TEXT : logFormat;
    queues = queues == null ? QUEUES : Copies.list(queues);
    central = central == null ? QueueSlots.centralDefaults() : central;
    heavy = heavy == null ? QueueSlots.heavyDefaults() : heavy;
  }

  public WorkerConfig(int metricsPort, Duration agentStartTimeout) {
    this(metricsPort, agentStartTimeout, TEXT, null, null, null);
  }

  public static WorkerConfig defaults() {
    return fromYaml(null, null, null, null, null, null);
  }

  /** Whether this process polls {@code queue} ({@link #CENTRAL} or {@link #HEAVY}). */
  public boolean polls(String queue) {
    return queues.contains(queue);
  }

  /** The same settings polling only {@code queues} (the worker's {@code --queues} option). */
  public WorkerConfig withQueues(List<String> queues) {
    return new WorkerConfig(metricsPort, agentStartTimeout, logFormat, queues, central, heavy);
  }

  // Boxed so that an absent metricsPort (default) differs from an explicit 0 (off).
  @JsonCreator
  static WorkerConfig fromYaml(
      @JsonProperty("metricsPort") Integer metricsPort,
      @JsonProperty("agentStartTimeout") Duration agentStartTimeout,
      @JsonProperty("logFormat") String logFormat,
      @JsonProperty("queues") List<String> queues,
      @JsonProperty("central") QueueSlots.Yaml central,
      @JsonProperty("heavy") QueueSlots.Yaml heavy) {
    return new WorkerConfig(Copies.or(metricsPort, 9464), agentStartTimeout, logFormat, queues,
        central == null ? null : central.over(QueueSlots.centralDefaults()),
        heavy == null ? null : heavy.over(QueueSlots.heavyDefaults()));
  }
}
