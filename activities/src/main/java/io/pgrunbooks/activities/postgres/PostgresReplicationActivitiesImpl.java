package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.NodePoll.Look;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RebuildConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link PostgresReplicationActivities} over PgJDBC, with credentials from the worker's config. */
public class PostgresReplicationActivitiesImpl implements PostgresReplicationActivities {
  private static final String DATABASE = "postgres";
  private static final Duration POLL = Duration.ofMillis(250);

  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final java.util.Map<String, TopologyBackend> backends;

  /** Every cluster on the direct backend (a Patroni cluster is refused as a config error). */
  public PostgresReplicationActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this(config, connections, List.of(new DirectBackend(connections)));
  }

  /** @param backends one per {@code clusters.<name>.topology} value this worker serves */
  public PostgresReplicationActivitiesImpl(RunbooksConfig config, ConnectionFactory connections,
      List<TopologyBackend> backends) {
    this.config = config;
    this.connections = connections;
    this.backends = TopologyBackend.byName(backends);
  }

  @Override
  public Topology topology(TopologyInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    NodeConfig replica = Lookups.node(cluster, input.cluster(), input.replica());
    TopologyBackend backend = backends.get(cluster.topology());
    if (backend == null) {
      throw Lookups.config("cluster " + input.cluster() + " has topology " + cluster.topology()
          + ", which this worker has no backend for");
    }
    TopologyBackend.Roles found = backend.roles(input.cluster(), cluster);
    List<NodeRole> roles = new ArrayList<>();
    for (NodeConfig n : cluster.nodes()) {
      Boolean inRecovery = found.inRecovery().get(n.name());
      roles.add(new NodeRole(n.name(), n.host(), n.port(), inRecovery != null, inRecovery,
          inRecovery != null ? null : found.errors().getOrDefault(n.name(), "did not answer pg_is_in_recovery()")));
    }
    if (found.primary() == null) {
      return new Topology(input.cluster(), roles, null, found.problem(), null, -1, replica.slot(), false, false, 0);
    }
    String primary = found.primary();
    try (Connection c = connections.open(input.cluster(), primary, DATABASE)) {
      String state = null;
      double lag = -1;
      try (PreparedStatement ps = c.prepareStatement("SELECT state, COALESCE(EXTRACT(epoch FROM replay_lag), 0) "
          + "FROM pg_stat_replication WHERE application_name = ? ORDER BY backend_start DESC LIMIT 1")) {
        ps.setString(1, replica.name());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            state = rs.getString(1);
            lag = rs.getDouble(2);
          }
        }
      }
      boolean slotExists = false;
      boolean slotActive = false;
      try (PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
        ps.setString(1, replica.slot());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            slotExists = true;
            slotActive = rs.getBoolean(1);
          }
        }
      }
      long bytes;
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT COALESCE(sum(pg_database_size(oid)), 0) FROM pg_database")) {
        rs.next();
        bytes = rs.getLong(1);
      }
      return new Topology(input.cluster(), roles, primary, null, state, lag, replica.slot(), slotExists, slotActive,
          bytes);
    } catch (NodeConnectException | SQLException e) {
      throw ApplicationFailure.newFailure("replication facts from primary " + primary + " failed: "
          + firstLine(e.getMessage()), FailureTypes.UNREACHABLE);
    }
  }

  @Override
  public RebuildSettings rebuildSettings(TopologyInput input) {
    RebuildConfig r = Lookups.cluster(config, input.cluster()).rebuild();
    return new RebuildSettings(r.keepOldDataDir(), r.catchUpLagSeconds(), r.catchUpTimeout().toSeconds(),
        r.stopTimeout().toSeconds(), r.diskHeadroom());
  }

  @Override
  public String recreateSlot(SlotInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    Lookups.node(cluster, input.cluster(), input.primary());
    try (Connection c = connections.open(input.cluster(), input.primary(), DATABASE)) {
      requirePrimary(c, input.primary());
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
        ps.setString(1, input.slot());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getBoolean(1)) {
            // Retryable: a walsender of the stopped replica can take a moment to go away.
            throw ApplicationFailure.newFailure("slot " + input.slot() + " on " + input.primary()
                + " is in use by backend pid " + rs.getLong(2) + "; not dropping it", FailureTypes.UNREACHABLE);
          }
        }
      }
      try (PreparedStatement drop = c.prepareStatement(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
        drop.setString(1, input.slot());
        drop.execute();
      }
      try (PreparedStatement create = c.prepareStatement("SELECT lsn FROM pg_create_physical_replication_slot(?, true)")) {
        create.setString(1, input.slot());
        try (ResultSet rs = create.executeQuery()) {
          rs.next();
          return "slot " + input.slot() + " re-created on " + input.primary() + " at " + rs.getString(1);
        }
      }
    } catch (NodeConnectException | SQLException e) {
      throw ApplicationFailure.newFailure("re-creating slot " + input.slot() + " on " + input.primary() + " failed: "
          + firstLine(e.getMessage()), FailureTypes.UNREACHABLE);
    }
  }

  @Override
  public CatchUp awaitCatchUp(CatchUpInput input) {
    Lookups.node(Lookups.cluster(config, input.cluster()), input.cluster(), input.replica());
    long start = System.nanoTime();
    return NodePoll.until(connections, input.cluster(), input.primary(), DATABASE, input.timeoutSeconds(),
        POLL.toMillis(), input.replica() + " did not catch up", "CatchUpTimeout", c -> {
          requirePrimary(c, input.primary());
          try (PreparedStatement ps = c.prepareStatement("SELECT state, COALESCE(EXTRACT(epoch FROM replay_lag), 0), "
              + "COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1) FROM pg_stat_replication "
              + "WHERE application_name = ? ORDER BY backend_start DESC LIMIT 1")) {
            ps.setString(1, input.replica());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Look.notYet(input.replica() + " not connected to " + input.primary());
              }
              String state = rs.getString(1);
              double lag = rs.getDouble(2);
              long bytes = rs.getLong(3);
              return "streaming".equals(state) && bytes >= 0 && lag < input.lagThresholdSeconds()
                  ? Look.done(new CatchUp(state, lag, bytes, (System.nanoTime() - start) / 1_000_000))
                  : Look.notYet("state " + state + ", replay lag " + lag + " s, " + bytes + " bytes behind");
            }
          }
        });
  }

  private static void requirePrimary(Connection c, String node) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      if (rs.getBoolean(1)) {
        throw ApplicationFailure.newNonRetryableFailure(node + " is in recovery, not the primary: refusing",
            FailureTypes.SAFETY_REFUSED);
      }
    }
  }
}
