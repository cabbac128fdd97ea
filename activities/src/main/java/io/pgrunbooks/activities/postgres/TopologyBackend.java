package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.config.ClusterConfig;
import java.util.Map;

/**
 * Who decides a cluster's roles, per {@code clusters.<name>.topology}: {@code direct} asks every PostgreSQL
 * ({@code pg_is_in_recovery()}, exactly one writable node), {@code patroni} takes Patroni's leader and requires
 * PostgreSQL to agree. The topology facts the runbooks read come through here; the Patroni runbooks
 * (switchover, reinitialize, restart) add their calls beside this one.
 */
public interface TopologyBackend {
  /** {@code direct} or {@code patroni}, as in the config. */
  String name();

  /** The current primary of the cluster, or why there is none. */
  Roles roles(String clusterName, ClusterConfig cluster);

  /** The backends by {@link #name()}, as the activities that take the primary from them look them up. */
  static Map<String, TopologyBackend> byName(java.util.List<TopologyBackend> backends) {
    return backends.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(TopologyBackend::name, b -> b));
  }

  /**
   * @param primary the node that is primary now, null when {@code problem} says why there is none
   * @param inRecovery {@code pg_is_in_recovery()} per node that answered
   * @param errors why a node's PostgreSQL did not answer, per node name
   */
  record Roles(String primary, String problem, Map<String, Boolean> inRecovery, Map<String, String> errors) {}
}
