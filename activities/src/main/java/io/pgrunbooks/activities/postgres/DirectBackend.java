package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.config.ClusterConfig;
import java.util.List;
import java.util.Map;

/** {@code topology: direct}: the one reachable node out of recovery is the primary. */
public final class DirectBackend implements TopologyBackend {
  private final ConnectionFactory connections;

  public DirectBackend(ConnectionFactory connections) {
    this.connections = connections;
  }

  @Override
  public String name() {
    return ClusterConfig.DIRECT;
  }

  @Override
  public Roles roles(String clusterName, ClusterConfig cluster) {
    RecoveryProbe.Roles probe = RecoveryProbe.probe(connections, clusterName, cluster);
    return judge(probe.inRecovery(), probe.errors());
  }

  /** Exactly one writable node is the primary; none or several is a problem sentence. */
  static Roles judge(Map<String, Boolean> inRecovery, Map<String, String> errors) {
    List<String> primaries = inRecovery.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    if (primaries.size() == 1) {
      return new Roles(primaries.get(0), null, inRecovery, errors);
    }
    String problem = primaries.isEmpty() ? "no reachable node is out of recovery"
        : "more than one writable node: " + String.join(", ", primaries);
    return new Roles(null, problem, inRecovery, errors);
  }
}
