package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.patroni.PatroniFenceGuard;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Map;

/**
 * {@link FailoverNodeActivities} of the node agent serving one node; like {@link NodeActivitiesImpl} it refuses tasks
 * meant for another node.
 */
public class FailoverNodeActivitiesImpl implements FailoverNodeActivities {
  private final RunbooksConfig config;
  private final String nodeName;
  private final Map<String, String> env;
  private final ConnectionFactory connections;

  public FailoverNodeActivitiesImpl(RunbooksConfig config, String nodeName, Map<String, String> env) {
    this.config = config;
    this.nodeName = nodeName;
    this.env = env;
    this.connections = new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  @Override
  public StopResult stopForSwitchover(FailoverNodeInput input) {
    return failover(input.cluster(), input.node()).stopForSwitchover();
  }

  @Override
  public FenceResult fencePostgres(FailoverNodeInput input) {
    ClusterConfig c = Lookups.cluster(config, input.cluster());
    return failover(input.cluster(), input.node()).fence(c.failover().fenceCommand());
  }

  @Override
  public FenceResult fencePatroniNode(FailoverNodeInput input) {
    ClusterConfig c = Lookups.cluster(config, input.cluster());
    NodeConfig n = ownNode(c, input.cluster(), input.node());
    if (!c.onPatroni()) {
      throw Lookups.badInput("cluster " + input.cluster() + " is not managed by Patroni: its old primary is fenced by"
          + " fencePostgres");
    }
    if (n.dataDir() == null || n.dataDir().isBlank()) {
      throw Lookups.config("node " + nodeName + " of cluster " + input.cluster() + " has no dataDir configured");
    }
    // The one case where an agent touches a Patroni node's PostgreSQL: its own checks, not the workflow's, decide.
    String refusal = PatroniFenceGuard.check(c, nodeName, () -> env);
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.SAFETY_REFUSED);
    }
    ReplicaRebuilder local = new ReplicaRebuilder(c, input.cluster(), n, connections, env);
    return new NodeFailover(local, c, input.cluster(), n, connections).fence(null);
  }

  @Override
  public CommandOutcome promotePostgres(FailoverNodeInput input) {
    ClusterConfig c = Lookups.cluster(config, input.cluster());
    return failover(input.cluster(), input.node()).promote(c.failover().promoteTimeout().toSeconds());
  }

  @Override
  public CommandOutcome rewindAsStandby(StandbyInput input) {
    return failover(input.cluster(), input.node()).rewind(input);
  }

  @Override
  public CommandOutcome followNewPrimary(StandbyInput input) {
    return failover(input.cluster(), input.node()).follow(input);
  }

  private NodeFailover failover(String clusterName, String node) {
    ClusterConfig c = Lookups.directCluster(config, clusterName);
    return new NodeFailover(rebuilder(clusterName, node), c, clusterName, ownNode(c, clusterName, node), connections);
  }

  private ReplicaRebuilder rebuilder(String clusterName, String node) {
    ClusterConfig c = Lookups.directCluster(config, clusterName);
    NodeConfig n = ownNode(c, clusterName, node);
    if (n.dataDir() == null || n.dataDir().isBlank()) {
      throw Lookups.config("node " + nodeName + " of cluster " + clusterName + " has no dataDir configured");
    }
    return new ReplicaRebuilder(c, clusterName, n, connections, env);
  }

  private NodeConfig ownNode(ClusterConfig c, String clusterName, String requested) {
    if (!nodeName.equals(requested)) {
      throw Lookups.badInput("the node agent of " + nodeName + " was asked about node " + requested
          + "; refusing (each agent acts only for its own host)");
    }
    return Lookups.node(c, clusterName, nodeName);
  }
}
