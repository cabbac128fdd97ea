package io.pgrunbooks.activities.patroni;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.TopologyBackend;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code topology: patroni}: the primary is the node of Patroni's leader, and only when its PostgreSQL agrees
 * (out of recovery) and no other node is writable; otherwise the findings are the problem.
 */
public final class PatroniBackend implements TopologyBackend {
  private final ConnectionFactory connections;
  private final Supplier<Map<String, String>> env;

  public PatroniBackend(ConnectionFactory connections, Supplier<Map<String, String>> env) {
    this.connections = connections;
    this.env = env;
  }

  @Override
  public String name() {
    return ClusterConfig.PATRONI;
  }

  @Override
  public Roles roles(String clusterName, ClusterConfig cluster) {
    return judge(PatroniActivitiesImpl.read(clusterName, cluster, new PatroniRestClient(cluster.patroni(), env),
        connections));
  }

  static Roles judge(PatroniFacts facts) {
    Map<String, Boolean> inRecovery = new LinkedHashMap<>();
    for (PatroniMember m : facts.members()) {
      if (m.node() != null && m.inRecovery() != null) {
        inRecovery.put(m.node(), m.inRecovery());
      }
    }
    PatroniMember leader = facts.leader() == null ? null : facts.member(facts.leader());
    boolean agreed = leader != null && leader.node() != null && Boolean.FALSE.equals(leader.inRecovery())
        && inRecovery.values().stream().filter(r -> !r).count() == 1;
    if (agreed) {
      return new Roles(leader.node(), null, inRecovery, Map.of());
    }
    String problem = facts.findings().isEmpty() ? "Patroni's leader " + facts.leader() + " is not a writable node"
        : String.join("; ", facts.findings());
    return new Roles(null, problem, inRecovery, Map.of());
  }
}
