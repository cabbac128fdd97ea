package io.pgrunbooks.config;

import java.util.List;
import java.util.Map;

/**
 * One PostgreSQL cluster: its nodes and how to reach them. Which node is primary is discovered
 * at run time, never configured, so the config stays right after a failover.
 *
 * @param credentials login used by the worker's SQL activities (default user postgres, no password)
 * @param pgbouncer the pooler in front of the cluster, or null when there is none
 * @param databases databases with runbook settings (partition policies), by name
 * @param rebuild settings of the ReplicaRebuild runbook (defaults when omitted)
 * @param failover settings of the Failover and FailoverDrill runbooks (defaults when omitted)
 * @param pgbackrest physical backups and WAL archiving with pgBackRest, or null when not set up
 * @param topology who changes the topology: {@code direct} (default; the node agents run pg_ctl,
 *     pg_basebackup, pg_rewind) or {@code patroni} (the runbooks ask Patroni's REST API)
 * @param patroni how to reach Patroni; required with {@code topology: patroni}, refused otherwise
 */
public record ClusterConfig(
    List<NodeConfig> nodes,
    Credentials credentials,
    PgBouncerConfig pgbouncer,
    HealthConfig health,
    Map<String, DatabaseConfig> databases,
    RebuildConfig rebuild,
    FailoverConfig failover,
    PgBackRestConfig pgbackrest,
    String topology,
    PatroniConfig patroni) {

  public static final String DIRECT = "direct";
  public static final String PATRONI = "patroni";

  public ClusterConfig {
    nodes = Copies.list(nodes);
    credentials = credentials == null ? Credentials.defaults() : credentials;
    health = health == null ? HealthConfig.defaults() : health;
    databases = Copies.map(databases);
    rebuild = rebuild == null ? RebuildConfig.defaults() : rebuild;
    failover = failover == null ? FailoverConfig.defaults() : failover;
    topology = topology == null ? DIRECT : topology;
  }

  /** Whether Patroni manages this cluster (the runbooks then never run pg_ctl on its nodes). */
  public boolean onPatroni() {
    return PATRONI.equals(topology);
  }

  /** The node with this name, or null if the cluster has none. */
  public NodeConfig node(String name) {
    if (name == null) {
      return null;
    }
    return nodes.stream().filter(n -> n != null && name.equals(n.name())).findFirst().orElse(null);
  }

  /** The database's settings, or null when the database has none configured. */
  public DatabaseConfig database(String name) {
    return name == null ? null : databases.get(name);
  }
}
