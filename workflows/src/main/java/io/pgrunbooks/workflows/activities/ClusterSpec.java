package io.pgrunbooks.workflows.activities;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.List;

/**
 * A configured cluster as workflows may see it: names and addresses, no credentials, no roles.
 *
 * @param agentStartTimeoutSeconds how long a node agent may leave a task on its queue before the
 *     run treats the agent as not running; 0 means the default of 30 s
 * @param topology {@code direct} or {@code patroni}; null (runs recorded before it existed) means direct
 */
public record ClusterSpec(String name, List<NodeSpec> nodes, HealthThresholds health, int agentStartTimeoutSeconds,
                          String topology) {

  public static final Duration DEFAULT_AGENT_START_TIMEOUT = Duration.ofSeconds(30);

  public ClusterSpec(String name, List<NodeSpec> nodes, HealthThresholds health) {
    this(name, nodes, health, 0);
  }

  public ClusterSpec(String name, List<NodeSpec> nodes, HealthThresholds health, int agentStartTimeoutSeconds) {
    this(name, nodes, health, agentStartTimeoutSeconds, null);
  }

  /** Whether Patroni manages the cluster (its topology runbooks go through Patroni's REST API). */
  @JsonIgnore
  public boolean onPatroni() {
    return "patroni".equals(topology);
  }

  /** The schedule-to-start timeout for tasks on this cluster's node-agent queues. */
  @JsonIgnore
  public Duration agentStartTimeout() {
    return agentStartTimeoutSeconds > 0 ? Duration.ofSeconds(agentStartTimeoutSeconds) : DEFAULT_AGENT_START_TIMEOUT;
  }

  /** A configured PostgreSQL node. {@code slot} is the physical replication slot it streams from when it is a replica. */
  public record NodeSpec(String name, String host, int port, String slot) {}
}
