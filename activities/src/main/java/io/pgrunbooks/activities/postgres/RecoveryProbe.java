package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code pg_is_in_recovery()} of every node of a cluster, asked of the servers themselves. */
public final class RecoveryProbe {
  private RecoveryProbe() {}

  /**
   * @param inRecovery per node that answered
   * @param errors why a node did not answer, per node name
   */
  public record Roles(Map<String, Boolean> inRecovery, Map<String, String> errors) {}

  public static Roles probe(ConnectionFactory connections, String clusterName, ClusterConfig cluster) {
    Map<String, Boolean> inRecovery = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    for (NodeConfig n : cluster.nodes()) {
      try (Connection c = connections.open(clusterName, n.name(), "postgres");
           Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        inRecovery.put(n.name(), rs.getBoolean(1));
      } catch (NodeConnectException | SQLException e) {
        errors.put(n.name(), firstLine(e.getMessage()));
      }
    }
    return new Roles(inRecovery, errors);
  }
}
