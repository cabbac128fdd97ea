package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.s3.QueryReportSnapshots;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.QueryReportActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.queryreport.QueryReportRules;
import io.pgrunbooks.workflows.queryreport.StatementDeltas;
import io.pgrunbooks.workflows.queryreport.StatementDeltas.Counter;
import io.pgrunbooks.workflows.queryreport.StatementDeltas.Snapshot;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link QueryReportActivities} over PgJDBC. Every read of user statements is EXPLAIN without ANALYZE inside a
 * read-only transaction that is rolled back; snapshots go to the archive bucket through {@link QueryReportSnapshots}.
 */
public class QueryReportActivitiesImpl implements QueryReportActivities {
  private static final String STATEMENTS = "SELECT s.userid || ':' || s.dbid || ':' || s.queryid || ':' || s.toplevel,"
      + " s.queryid::text, r.rolname, s.query, s.calls, s.total_exec_time, s.rows FROM pg_stat_statements s"
      + " LEFT JOIN pg_roles r ON r.oid = s.userid WHERE s.dbid = (SELECT oid FROM pg_database"
      + " WHERE datname = current_database()) AND s.queryid IS NOT NULL"
      // The report's own reads are not the database's workload.
      + " AND s.query NOT ILIKE '%pg_stat_statements%' AND s.query NOT ILIKE '%hypopg%'"
      + " AND s.query NOT ILIKE '%pgrb\\_%' AND s.query NOT ILIKE '%pg_prepared_statements%'";

  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final QueryReportSnapshots snapshots;

  public QueryReportActivitiesImpl(RunbooksConfig config, ConnectionFactory connections,
                                   QueryReportSnapshots snapshots) {
    this.config = config;
    this.connections = connections;
    this.snapshots = snapshots;
  }

  @Override
  public StatementsReport statements(StatementsInput in) {
    List<String> notes = new ArrayList<>();
    try (Node n = open(in.cluster(), in.database(), in.node())) {
      Connection c = n.connection();
      if (!IndexCatalog.installed(c, "pg_stat_statements")) {
        throw Lookups.config("extension pg_stat_statements is not installed in database " + in.database()
            + ": add pg_stat_statements to shared_preload_libraries, restart, then CREATE EXTENSION pg_stat_statements");
      }
      String statsReset;
      String takenAt;
      long takenAtMillis;
      List<Counter> now = new ArrayList<>();
      try (Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT (SELECT stats_reset::text FROM pg_stat_statements_info), now()::text,"
            + " (extract(epoch FROM now()) * 1000)::bigint")) {
          rs.next();
          statsReset = rs.getString(1);
          takenAt = rs.getString(2);
          takenAtMillis = rs.getLong(3);
        }
        try (ResultSet rs = st.executeQuery(STATEMENTS)) {
          while (rs.next()) {
            now.add(new Counter(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getDouble(6), rs.getLong(7)));
          }
        }
      } catch (SQLException e) {
        if ("55000".equals(e.getSQLState())) {
          throw Lookups.config("pg_stat_statements cannot be read in " + in.database() + ": " + firstLine(e.getMessage())
              + " (add it to shared_preload_libraries and restart)");
        }
        throw e;
      }
      Snapshot previous = null;
      String noStore = snapshots.configured() ? null
          : "no archive bucket is configured (archive.bucket): no snapshot is kept, every report shows totals";
      if (noStore == null) {
        try {
          previous = snapshots.previous(in.cluster(), in.database(), in.runId());
        } catch (RuntimeException e) {
          // A report without a baseline is still worth having; it says why it shows totals.
          noStore = "the snapshot store could not be read (" + firstLine(String.valueOf(e.getMessage()))
              + "): totals reported, nothing kept";
        }
      }
      if (noStore != null) {
        notes.add(noStore);
      }
      boolean reset = StatementDeltas.resetSince(previous, statsReset, n.node());
      boolean first = previous == null;
      var deltas = StatementDeltas.deltas(now, previous, !first && !reset);
      String since = first || reset ? statsReset : previous.takenAt();
      String baseline = first ? (noStore == null ? "first report" : "no previous snapshot") + ": totals since"
          + " pg_stat_statements was reset (" + statsReset + ")"
          : reset ? "statistics were reset since the previous report of " + previous.takenAt() + (n.node().equals(
              previous.node()) ? "" : " (read on " + previous.node() + ", now on " + n.node() + ")")
              + ": totals since " + statsReset
          : "deltas since the previous report of " + previous.takenAt() + " (run " + previous.runId() + ")";
      int top = in.top();
      var byTotal = StatementDeltas.top(deltas, d -> d.totalMs(), top);
      var byMean = StatementDeltas.top(deltas, d -> d.meanMs(), top);
      // Only what EXPLAIN can plan is worth a plan: DDL, VACUUM and SET stay in the lists but are not explained.
      var plannable = deltas.stream().filter(d -> QueryReportRules.plannable(d.query())).toList();
      int planned = Math.min(top, QueryReportRules.MAX_PLANNED);
      var report = new StatementsReport(n.node(), first, reset, since, baseline, byTotal, byMean,
          StatementDeltas.top(deltas, d -> d.calls(), top), StatementDeltas.top(deltas, d -> d.rows(), top),
          StatementDeltas.worst(StatementDeltas.top(plannable, d -> d.totalMs(), planned),
              StatementDeltas.top(plannable, d -> d.meanMs(), planned), planned), notes);
      if (in.keepSnapshot() && noStore == null) {
        try {
          snapshots.keep(in.cluster(), in.database(), StatementDeltas.snapshot(in.runId(), takenAt, statsReset,
              n.node(), now), takenAtMillis);
        } catch (RuntimeException e) {
          notes.add("this report's snapshot could not be kept (" + firstLine(String.valueOf(e.getMessage()))
              + "): the next report compares with an older one");
        }
      }
      return report;
    } catch (SQLException e) {
      throw failure("reading pg_stat_statements", e);
    }
  }

  @Override
  public List<StatementPlan> plans(PlansInput in) {
    try (Node n = open(in.cluster(), in.database(), in.node())) {
      Connection c = n.connection();
      boolean hypopg = IndexCatalog.installed(c, "hypopg");
      c.setAutoCommit(false);
      c.setReadOnly(true);
      List<StatementPlan> out = new ArrayList<>();
      try {
        for (StatementDelta s : in.statements()) {
          out.add(QueryPlans.plan(c, s, in.largeTableBytes(), hypopg));
        }
      } finally {
        c.rollback();
      }
      return out;
    } catch (SQLException e) {
      throw failure("planning the worst statements", e);
    }
  }

  @Override
  public IndexHealth indexHealth(IndexHealthInput in) {
    ClusterConfig cluster = Lookups.cluster(config, in.cluster());
    try (Primary p = Primary.open(config, connections, in.cluster(), in.database())) {
      Map<String, Map<String, Long>> scans = new LinkedHashMap<>();
      List<String> notes = new ArrayList<>();
      scans.put(p.node(), IndexHealthReader.scans(p.connection()));
      for (NodeConfig node : cluster.nodes()) {
        if (node.name().equals(p.node())) {
          continue;
        }
        try (Connection c = connections.open(in.cluster(), node.name(), in.database())) {
          scans.put(node.name(), IndexHealthReader.scans(c));
        } catch (ConnectionFactory.NodeConnectException | SQLException e) {
          scans.put(node.name(), null);
          notes.add(node.name() + ": " + firstLine(e.getMessage()));
        }
      }
      return IndexHealthReader.read(p.connection(), scans, notes);
    } catch (SQLException e) {
      throw failure("reading the indexes", e);
    }
  }

  /** A connection to the named node, or to the current primary when {@code node} is null. */
  private record Node(String node, Connection connection) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }

  private Node open(String cluster, String database, String node) {
    if (node == null) {
      Primary p = Primary.open(config, connections, cluster, database);
      return new Node(p.node(), p.connection());
    }
    NodeConfig n = Lookups.node(Lookups.cluster(config, cluster), cluster, node);
    try {
      return new Node(n.name(), connections.open(cluster, n.name(), database));
    } catch (ConnectionFactory.NodeConnectException e) {
      if (e.getMessage().contains("does not exist")) {
        throw Lookups.badInput("database '" + database + "' does not exist in cluster " + cluster);
      }
      throw ApplicationFailure.newFailure("cannot reach " + node + ": " + e.getMessage(), FailureTypes.UNREACHABLE);
    }
  }

  private static ApplicationFailure failure(String what, SQLException e) {
    return ApplicationFailure.newFailure(what + " failed: " + firstLine(e.getMessage()),
        PostgresActivitiesImpl.SQL_ERROR);
  }
}
