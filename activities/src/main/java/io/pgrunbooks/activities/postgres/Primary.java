package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A connection to the node that is primary right now ({@code pg_is_in_recovery()} false), never taken from config. */
record Primary(String node, Connection connection) implements AutoCloseable {

  static Primary open(RunbooksConfig config, ConnectionFactory connections, String cluster, String database) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    List<String> tried = new ArrayList<>();
    for (NodeConfig n : c.nodes()) {
      Connection conn = null;
      try {
        conn = connections.open(cluster, n.name(), database);
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
          rs.next();
          if (!rs.getBoolean(1)) {
            return new Primary(n.name(), conn);
          }
        }
        tried.add(n.name() + ": replica");
        conn.close();
      } catch (ConnectionFactory.NodeConnectException e) {
        if (e.getMessage().contains("does not exist")) {
          throw Lookups.badInput("database '" + database + "' does not exist in cluster " + cluster);
        }
        tried.add(n.name() + ": " + e.getMessage());
      } catch (SQLException e) {
        tried.add(n.name() + ": " + e.getMessage());
        closeQuietly(conn);
      }
    }
    // Retryable: a failover may be in progress.
    throw ApplicationFailure.newFailure("no reachable primary in cluster " + cluster + " (" + String.join("; ", tried) + ")",
        "NoPrimary");
  }

  /**
   * The primary as the cluster's topology backend names it: on a {@code patroni} cluster Patroni's leader, with its
   * PostgreSQL out of recovery and no other node writable (two writable nodes is no primary: one of them must be
   * fenced first). A direct cluster, or a worker without that backend, takes {@link #open(RunbooksConfig,
   * ConnectionFactory, String, String)}. Retryable when there is none: a switchover may be under way.
   */
  static Primary open(RunbooksConfig config, ConnectionFactory connections, Map<String, TopologyBackend> backends,
      String cluster, String database) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    TopologyBackend backend = c.onPatroni() ? backends.get(c.topology()) : null;
    if (backend == null) {
      return open(config, connections, cluster, database);
    }
    TopologyBackend.Roles roles = backend.roles(cluster, c);
    if (roles.primary() == null) {
      throw ApplicationFailure.newFailure("no primary in cluster " + cluster + " by its " + c.topology() + " roles: "
          + roles.problem(), "NoPrimary");
    }
    try {
      return new Primary(roles.primary(), connections.open(cluster, roles.primary(), database));
    } catch (ConnectionFactory.NodeConnectException e) {
      if (e.getMessage().contains("does not exist")) {
        throw Lookups.badInput("database '" + database + "' does not exist in cluster " + cluster);
      }
      throw ApplicationFailure.newFailure("the primary " + roles.primary() + " of cluster " + cluster
          + " did not answer: " + e.getMessage(), "NoPrimary");
    }
  }

  @Override
  public void close() {
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing a broken connection
      }
    }
  }
}
