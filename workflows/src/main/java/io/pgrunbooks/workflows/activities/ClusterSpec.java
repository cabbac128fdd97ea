package io.pgrunbooks.workflows.activities;

import java.util.List;

/** A configured cluster as workflows may see it: names and addresses, no credentials, no roles. */
public record ClusterSpec(String name, List<NodeSpec> nodes, HealthThresholds health) {

  /** A configured PostgreSQL node. {@code slot} is the physical replication slot it streams from when it is a replica. */
  public record NodeSpec(String name, String host, int port, String slot) {}
}
