package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupActivities;
import io.pgrunbooks.workflows.physicalbackup.StandbyCandidate;
import io.temporal.failure.ApplicationFailure;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupTarget;

/** Config, current primary and (for {@code backupStandby}) its replicas' state for {@code PhysicalBackup}. */
public class PhysicalBackupActivitiesImpl implements PhysicalBackupActivities {
  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final Map<String, TopologyBackend> backends;

  /** Direct clusters only: a Patroni cluster's primary is then the one writable node, as on direct. */
  public PhysicalBackupActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this(config, connections, List.of());
  }

  /** @param backends one per {@code clusters.<name>.topology} this worker serves: the primary is theirs */
  public PhysicalBackupActivitiesImpl(RunbooksConfig config, ConnectionFactory connections, List<TopologyBackend> backends) {
    this.config = config;
    this.connections = connections;
    this.backends = TopologyBackend.byName(backends);
  }

  @Override
  public PhysicalBackupTarget physicalBackupTarget(String cluster) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    PgBackRestConfig b = c.pgbackrest();
    if (b == null) {
      throw Lookups.badInput("cluster " + cluster + " has no pgbackrest section: physical backups are not set up "
          + "(see ops/docs/physical-backup.md)");
    }
    try (Primary primary = Primary.open(config, connections, backends, cluster, "postgres")) {
      List<StandbyCandidate> replicas = b.backupStandby() ? replicas(c, primary) : List.of();
      return new PhysicalBackupTarget(primary.node(), b.stanza(), b.retentionFull(), b.minFull(),
          (int) Math.min(Integer.MAX_VALUE, config.worker().agentStartTimeout().toSeconds()), b.backupStandby(),
          replicas);
    }
  }

  /** Every other configured node as the primary's walsenders see it (by application_name = node name). */
  private static List<StandbyCandidate> replicas(ClusterConfig c, Primary primary) {
    Map<String, StandbyCandidate> seen = new HashMap<>();
    try (Statement st = primary.connection().createStatement(); ResultSet rs = st.executeQuery(
        "SELECT application_name, state, COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1)::bigint "
            + "FROM pg_stat_replication ORDER BY backend_start")) {
      while (rs.next()) {
        seen.put(rs.getString(1), new StandbyCandidate(rs.getString(1), rs.getString(2), rs.getLong(3)));
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading pg_stat_replication on " + primary.node() + " failed: "
          + e.getMessage(), FailureTypes.UNREACHABLE);
    }
    List<StandbyCandidate> out = new ArrayList<>();
    for (NodeConfig n : c.nodes()) {
      if (!n.name().equals(primary.node())) {
        out.add(seen.getOrDefault(n.name(), new StandbyCandidate(n.name(), null, -1)));
      }
    }
    return out;
  }
}
