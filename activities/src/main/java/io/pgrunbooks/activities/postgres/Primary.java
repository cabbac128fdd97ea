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
