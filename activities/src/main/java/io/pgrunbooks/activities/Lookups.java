package io.pgrunbooks.activities;

import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;

/** Lookups every activity does first, failing with a non-retryable, human-readable BadInput. */
public final class Lookups {
  private Lookups() {}

  /** The configured cluster, or BadInput naming the clusters that exist. */
  public static ClusterConfig cluster(RunbooksConfig config, String name) {
    ClusterConfig cluster = config.cluster(name);
    if (cluster == null) {
      throw badInput("unknown cluster '" + name + "'; configured clusters: "
          + (config.clusters().isEmpty() ? "(none)" : String.join(", ", config.clusters().keySet())));
    }
    return cluster;
  }

  /**
   * The configured cluster, refused (SafetyRefused) when Patroni manages it: Patroni would fight a node agent
   * that runs pg_ctl, pg_basebackup or pg_rewind under it, so the direct topology steps never touch its nodes
   * ({@code FailoverNodeActivities.fencePatroniNode}, which makes its own checks, does not come here).
   */
  public static ClusterConfig directCluster(RunbooksConfig config, String name) {
    ClusterConfig cluster = cluster(config, name);
    if (cluster.onPatroni()) {
      throw ApplicationFailure.newNonRetryableFailure("cluster " + name + " is managed by Patroni (topology: patroni):"
          + " the node agent never runs pg_ctl, pg_basebackup or pg_rewind on its nodes; topology changes go through"
          + " Patroni's REST API; the one exception is fencePatroniNode, for a node whose Patroni is dead"
          + " (ops/docs/patroni.md)", FailureTypes.SAFETY_REFUSED);
    }
    return cluster;
  }

  /** The configured node of a cluster, or BadInput naming the cluster's nodes. */
  public static NodeConfig node(ClusterConfig cluster, String clusterName, String node) {
    NodeConfig found = cluster.node(node);
    if (found == null) {
      throw badInput("unknown node '" + node + "' in cluster " + clusterName + "; its nodes: "
          + String.join(", ", cluster.nodes().stream().map(NodeConfig::name).toList()));
    }
    return found;
  }

  public static ApplicationFailure badInput(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.BAD_INPUT);
  }

  public static ApplicationFailure config(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.CONFIG);
  }
}
