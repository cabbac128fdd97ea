package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.IntegrityActivities;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** {@link IntegrityActivities} over PgJDBC: amcheck on the chosen node, checksum counters on every node. */
public class PostgresIntegrityActivitiesImpl implements IntegrityActivities {
  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public PostgresIntegrityActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public IntegrityPlan planIntegrity(IntegrityTarget target) {
    ClusterConfig cluster = Lookups.cluster(config, target.cluster());
    if (target.node() != null) {
      Lookups.node(cluster, target.cluster(), target.node());
    }
    List<String> notes = new ArrayList<>();
    try (Primary p = Primary.open(config, connections, target.cluster(), target.database())) {
      List<String> tables = IntegritySql.tables(p.connection(), target.tables());
      boolean created = false;
      if (!target.dryRun()) {
        created = IntegritySql.ensureAmcheck(p.connection());
      } else if (!IntegritySql.installed(p.connection())) {
        notes.add("dry run: amcheck is not installed in " + target.database() + "; a real run creates it on "
            + p.node());
      }
      if (target.node() != null) {
        return new IntegrityPlan(target.node(), !target.node().equals(p.node()), p.node(), tables, created, notes);
      }
      for (NodeConfig n : cluster.nodes()) {
        if (n.name().equals(p.node())) {
          continue;
        }
        try (Connection c = connections.open(target.cluster(), n.name(), target.database());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
          rs.next();
          if (rs.getBoolean(1)) {
            return new IntegrityPlan(n.name(), true, p.node(), tables, created, notes);
          }
        } catch (ConnectionFactory.NodeConnectException | SQLException e) {
          notes.add("replica " + n.name() + " not usable: " + firstLine(e.getMessage()));
        }
      }
      notes.add("no reachable replica: amcheck runs on the primary " + p.node());
      return new IntegrityPlan(p.node(), false, p.node(), tables, created, notes);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("planning the integrity check failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  @Override
  public List<NodeChecksums> checksumFailures(String clusterName) {
    ClusterConfig cluster = Lookups.cluster(config, clusterName);
    List<NodeChecksums> out = new ArrayList<>();
    for (NodeConfig n : cluster.nodes()) {
      try (Connection c = connections.open(clusterName, n.name(), "postgres"); Statement st = c.createStatement()) {
        boolean on;
        try (ResultSet rs = st.executeQuery("SHOW data_checksums")) {
          rs.next();
          on = "on".equals(rs.getString(1));
        }
        long total = 0;
        List<String> failures = new ArrayList<>();
        // checksum_failures is NULL when data checksums are off; the row with a NULL datname is shared relations.
        try (ResultSet rs = st.executeQuery("SELECT coalesce(datname, '(shared)'), checksum_failures,"
            + " checksum_last_failure FROM pg_stat_database WHERE checksum_failures > 0 ORDER BY 1")) {
          while (rs.next()) {
            total += rs.getLong(2);
            failures.add(rs.getString(1) + ": " + rs.getLong(2) + ", last at " + rs.getString(3));
          }
        }
        out.add(new NodeChecksums(n.name(), on, total, failures, null));
      } catch (ConnectionFactory.NodeConnectException | SQLException e) {
        out.add(new NodeChecksums(n.name(), false, 0, List.of(), firstLine(e.getMessage())));
      }
    }
    return out;
  }

  @Override
  public IntegrityFindings checkRelations(IntegrityTarget target, IntegrityPlan plan) {
    try (Connection c = connections.open(target.cluster(), plan.node(), target.database())) {
      return IntegritySql.check(c, plan.node(), plan.tables(), target.heapallindexed());
    } catch (ConnectionFactory.NodeConnectException e) {
      throw ApplicationFailure.newFailure("cannot reach " + plan.node() + ": " + e.getMessage(), "Unreachable");
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("amcheck on " + plan.node() + " failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }
}
