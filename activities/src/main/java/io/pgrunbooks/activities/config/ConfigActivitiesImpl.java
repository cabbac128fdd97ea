package io.pgrunbooks.activities.config;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.HealthConfig;
import io.pgrunbooks.config.HealthDetailConfig;
import io.pgrunbooks.workflows.activities.DetailThresholds;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.HealthThresholds;

/** {@link ConfigActivities} from the worker's loaded (and already validated) config. */
public class ConfigActivitiesImpl implements ConfigActivities {
  private final RunbooksConfig config;

  public ConfigActivitiesImpl(RunbooksConfig config) {
    this.config = config;
  }

  @Override
  public ClusterSpec describeCluster(DescribeClusterInput input) {
    String name = input == null ? null : input.cluster();
    if (name == null || name.isBlank()) {
      throw Lookups.badInput("a cluster name is required; configured clusters: "
          + String.join(", ", config.clusters().keySet()));
    }
    ClusterConfig cluster = Lookups.cluster(config, name);
    // Addresses and slot names only: credentials stay in the worker.
    return new ClusterSpec(name,
        cluster.nodes().stream().map(ConfigActivitiesImpl::spec).toList(),
        thresholds(cluster.health()),
        (int) Math.min(Integer.MAX_VALUE, config.worker().agentStartTimeout().toSeconds()), cluster.topology());
  }

  private static NodeSpec spec(NodeConfig n) {
    return new NodeSpec(n.name(), n.host(), n.port(), n.slot());
  }

  static HealthThresholds thresholds(HealthConfig h) {
    return new HealthThresholds(h.lagDegradedSeconds(), h.lagUnhealthySeconds(), h.connectionsDegradedPercent(),
        h.connectionsUnhealthyPercent(), h.longQuerySeconds(), h.cacheHitDegraded(), h.cacheHitUnhealthy(),
        h.diskDegradedPercent(), h.diskUnhealthyPercent(), detail(h.detail()));
  }

  private static DetailThresholds detail(HealthDetailConfig d) {
    return new DetailThresholds(d.idleInTransactionDegradedSeconds(), d.idleInTransactionUnhealthySeconds(),
        d.blockingDegradedSeconds(), d.blockingUnhealthySeconds(), d.transactionAgeDegradedSeconds(),
        d.transactionAgeUnhealthySeconds(), d.xidAgeDegraded(), d.xidAgeUnhealthy(), d.slotRetainedDegradedMb(),
        d.slotRetainedUnhealthyMb(), d.walDegradedPercent(), d.walUnhealthyPercent(), d.archiveFailingSeconds(),
        d.poolWaitingDegraded(), d.poolWaitingUnhealthy(), d.poolMaxwaitDegradedSeconds(),
        d.poolMaxwaitUnhealthySeconds(), d.bloatTopN());
  }
}
