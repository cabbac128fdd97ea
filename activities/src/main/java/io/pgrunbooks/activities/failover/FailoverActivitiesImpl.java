package io.pgrunbooks.activities.failover;

import io.pgrunbooks.activities.pgbouncer.BouncerConnections;
import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.Identifiers;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.activities.postgres.NodePoll;
import io.pgrunbooks.activities.postgres.NodePoll.Look;
import io.pgrunbooks.activities.s3.S3ClientFactory;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.DrillConfig;
import io.pgrunbooks.config.FailoverConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.FailoverActivities;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link FailoverActivities} of the central worker: JDBC to the nodes (roles, WAL, waits) and through PgBouncer
 * (sentinels, probe), and the drill report in the archive bucket.
 */
public class FailoverActivitiesImpl implements FailoverActivities {
  static final String CHECK_TABLE = "public.runbooks_failover_check";
  private static final long POLL_MILLIS = 100;

  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final BouncerConnections bouncer;
  private final S3ClientFactory s3;
  private final ObjectMapper json = DataConverters.objectMapper();

  public FailoverActivitiesImpl(RunbooksConfig config, ConnectionFactory connections, Map<String, String> env,
                                S3ClientFactory s3) {
    this.config = config;
    this.connections = connections;
    this.bouncer = new BouncerConnections(config, env);
    this.s3 = s3;
  }

  @Override
  public FailoverSettings failoverSettings(FailoverFactsInput input) {
    ClusterConfig c = Lookups.cluster(config, input.cluster());
    FailoverConfig f = c.failover();
    DrillConfig d = f.drill();
    String bouncerNode = c.pgbouncer() == null ? null : c.pgbouncer().node();
    if (c.pgbouncer() != null && (bouncerNode == null || c.pgbouncer().configFile() == null)) {
      // Promoting without repointing the pooler would leave clients on the old primary.
      throw Lookups.config("clusters." + input.cluster() + ".pgbouncer needs node and configFile for a failover: "
          + "the agent of that node pauses PgBouncer and rewrites its [databases] entry");
    }
    return new FailoverSettings(f.replayTimeout().toSeconds(), f.promoteTimeout().toSeconds(), f.fenceCommand(),
        f.maxReplayGapBytes(), bouncerNode, new DrillSettings(d.window().toSeconds(), d.maxLagSeconds(),
        d.requireVerifiedBackup(), d.maxBackupAge().toSeconds(), d.database(), d.probeTable(),
        d.probeInterval().toMillis(), d.sentinelRows(), d.baselineTables(), d.recoveryTarget().toSeconds()));
  }

  @Override
  public FailoverFacts failoverFacts(FailoverFactsInput input) {
    ClusterConfig c = Lookups.cluster(config, input.cluster());
    List<NodeWal> nodes = new ArrayList<>();
    List<String> primaries = new ArrayList<>();
    long primaryLsn = -1;
    for (NodeConfig n : c.nodes()) {
      try (Connection conn = connections.open(input.cluster(), n.name(), "postgres"); Statement s = conn.createStatement();
           ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN "
               + "pg_wal_lsn_diff(COALESCE(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), '0/0')::bigint "
               + "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint END, "
               + "COALESCE(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint, -1), pg_last_xact_replay_timestamp()")) {
        rs.next();
        boolean recovery = rs.getBoolean(1);
        Timestamp replayAt = rs.getTimestamp(4);
        if (!recovery) {
          primaries.add(n.name());
          primaryLsn = rs.getLong(2);
        }
        nodes.add(new NodeWal(n.name(), n.host(), n.port(), true, recovery, null, recovery ? rs.getLong(2) : -1,
            recovery ? rs.getLong(3) : -1, replayAt == null ? null : replayAt.toInstant(), null, -1));
      } catch (NodeConnectException | SQLException e) {
        nodes.add(new NodeWal(n.name(), n.host(), n.port(), false, null, firstLine(e.getMessage()), -1, -1, null, null, -1));
      }
    }
    if (primaries.size() != 1) {
      String problem = primaries.isEmpty() ? "no reachable node is out of recovery"
          : "more than one writable node: " + String.join(", ", primaries);
      return new FailoverFacts(input.cluster(), nodes, null, problem, -1, Instant.now());
    }
    String primary = primaries.get(0);
    Map<String, Object[]> seen = new HashMap<>();
    try (Connection conn = connections.open(input.cluster(), primary, "postgres"); Statement s = conn.createStatement();
         ResultSet rs = s.executeQuery("SELECT DISTINCT ON (application_name) application_name, state, "
             + "COALESCE(EXTRACT(epoch FROM replay_lag), 0) FROM pg_stat_replication "
             + "ORDER BY application_name, backend_start DESC")) {
      while (rs.next()) {
        seen.put(rs.getString(1), new Object[] {rs.getString(2), rs.getDouble(3)});
      }
    } catch (NodeConnectException | SQLException e) {
      // The primary went away between the two queries: its replicas simply show as not connected.
    }
    List<NodeWal> withState = new ArrayList<>();
    for (NodeWal n : nodes) {
      Object[] r = seen.get(n.name());
      withState.add(r == null ? n : new NodeWal(n.name(), n.host(), n.port(), n.reachable(), n.inRecovery(), n.error(),
          n.receiveLsn(), n.replayLsn(), n.lastReplayAt(), (String) r[0], (Double) r[1]));
    }
    return new FailoverFacts(input.cluster(), withState, primary, null, primaryLsn, Instant.now());
  }

  @Override
  public ReplayedLsn awaitReplayedLsn(ReplayInput input) {
    long start = System.nanoTime();
    return NodePoll.until(connections, input.cluster(), input.node(), "postgres", input.timeoutSeconds(), POLL_MILLIS,
        input.node() + " did not replay past " + input.lsn(), "ReplayTimeout", c -> {
          try (Statement s = c.createStatement();
               ResultSet rs = s.executeQuery("SELECT COALESCE(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint, -1)")) {
            rs.next();
            long replayed = rs.getLong(1);
            // The final LSN is where the shutdown checkpoint record starts: replayed means past it.
            return replayed > input.lsn() ? Look.done(new ReplayedLsn(replayed, (System.nanoTime() - start) / 1_000_000))
                : Look.notYet("replayed " + replayed + " of " + input.lsn());
          }
        });
  }

  @Override
  public PromotedPrimary awaitWritablePrimary(PromoteCheckInput input) {
    long start = System.nanoTime();
    return NodePoll.until(connections, input.cluster(), input.node(), "postgres", input.timeoutSeconds(), POLL_MILLIS,
        input.node() + " did not become writable", "PromotionTimeout", c -> {
          try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
              rs.next();
              if (rs.getBoolean(1)) {
                return Look.notYet("still in recovery");
              }
            }
            testWrite(s, input.node());
            try (ResultSet rs = s.executeQuery(TIMELINE_SQL)) {
              rs.next();
              return Look.done(new PromotedPrimary(input.node(), rs.getInt(1), rs.getLong(2),
                  (System.nanoTime() - start) / 1_000_000));
            }
          }
        });
  }

  /**
   * The configured node at {@code address}:{@code port} as the server saw its own end of the connection: nodes on
   * one port (5432 everywhere) are told apart by address; by port alone only when no address matches (NAT).
   */
  static String servingNode(List<NodeConfig> nodes, String address, int port) {
    List<NodeConfig> onPort = nodes.stream().filter(n -> n.port() == port).toList();
    List<NodeConfig> atAddress = onPort.stream().filter(n -> address != null && resolves(n.host(), address)).toList();
    List<NodeConfig> match = atAddress.isEmpty() ? onPort : atAddress;
    return match.size() == 1 ? match.get(0).name() : null;
  }

  private static boolean resolves(String host, String address) {
    try {
      for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
        if (a.getHostAddress().equals(address)) {
          return true;
        }
      }
      return false;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  static final String TIMELINE_SQL = "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int, "
      + "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint";

  static void testWrite(Statement s, String node) throws SQLException {
    s.execute("CREATE TABLE IF NOT EXISTS " + CHECK_TABLE + " (id int PRIMARY KEY, node text, at timestamptz)");
    s.execute("INSERT INTO " + CHECK_TABLE + " VALUES (1, '" + node.replace("'", "''") + "', now()) "
        + "ON CONFLICT (id) DO UPDATE SET node = EXCLUDED.node, at = EXCLUDED.at");
  }

  @Override
  public BouncerCheck checkThroughBouncer(DrillTableInput input) {
    ClusterConfig c = Lookups.cluster(config, input.cluster());
    try (Connection conn = bouncer.open(input.cluster(), input.database(), 10); Statement s = conn.createStatement()) {
      testWrite(s, "pgbouncer");
      try (ResultSet rs = s.executeQuery("SELECT inet_server_port(), pg_is_in_recovery(), "
          + "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int, "
          + "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, host(inet_server_addr())")) {
        rs.next();
        String node = servingNode(c.nodes(), rs.getString(5), rs.getInt(1));
        return new BouncerCheck(node, rs.getBoolean(2), rs.getInt(3), rs.getLong(4));
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("write through PgBouncer failed: " + firstLine(e.getMessage()),
          FailureTypes.UNREACHABLE);
    }
  }

  @Override
  public List<SentinelRow> writeDrillSentinels(SentinelInput input) {
    DrillRows rows = new DrillRows(input.table());
    try (Connection conn = bouncer.open(input.table().cluster(), input.table().database(), 30)) {
      rows.create(conn);
      List<SentinelRow> out = new ArrayList<>();
      for (long seq = 1; seq <= input.count(); seq++) {
        out.add(new SentinelRow(seq, rows.insert(conn, DrillRows.SENTINEL, seq)));
      }
      return out;
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("sentinel rows through PgBouncer failed: " + firstLine(e.getMessage()),
          FailureTypes.UNREACHABLE);
    }
  }

  @Override
  public ProbeReport runDrillProbe(ProbeInput input) {
    return new WriteProbe(bouncer, input, Activity.getExecutionContext().getInfo().getAttempt()).run();
  }

  @Override
  public void stopDrillProbe(DrillTableInput input) {
    try (Connection conn = bouncer.open(input.cluster(), input.database(), 30)) {
      new DrillRows(input).insert(conn, DrillRows.STOP, 0);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("probe stop row through PgBouncer failed: " + firstLine(e.getMessage()),
          FailureTypes.UNREACHABLE);
    }
  }

  @Override
  public RowCheck checkDrillRows(RowCheckInput input) {
    try (Connection conn = connections.open(input.cluster(), input.node(), input.table().database())) {
      Map<String, java.util.Set<Long>> present = new DrillRows(input.table()).present(conn);
      List<String> missing = new ArrayList<>();
      int found = 0;
      for (Long seq : input.sentinels()) {
        if (present.getOrDefault(DrillRows.SENTINEL, java.util.Set.of()).contains(seq)) {
          found++;
        } else if (missing.size() < 50) {
          missing.add("sentinel " + seq);
        }
      }
      for (Long seq : input.probes()) {
        if (present.getOrDefault(DrillRows.PROBE, java.util.Set.of()).contains(seq)) {
          found++;
        } else if (missing.size() < 50) {
          missing.add("probe " + seq);
        }
      }
      return new RowCheck(input.sentinels().size() + input.probes().size(), found, missing);
    } catch (NodeConnectException | SQLException e) {
      throw ApplicationFailure.newFailure("reading drill rows on " + input.node() + " failed: " + firstLine(e.getMessage()),
          FailureTypes.UNREACHABLE);
    }
  }

  @Override
  public Map<String, Long> countBaselineRows(BaselineInput input) {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection conn = connections.open(input.cluster(), input.node(), input.database());
         Statement s = conn.createStatement()) {
      for (String t : input.tables()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + catalogTable(conn, t))) {
          rs.next();
          counts.put(t, rs.getLong(1));
        }
      }
      return counts;
    } catch (NodeConnectException | SQLException e) {
      throw ApplicationFailure.newFailure("counting baseline rows on " + input.node() + " failed: "
          + firstLine(e.getMessage()), FailureTypes.UNREACHABLE);
    }
  }

  /** {@code schema.name} as the catalog spells it, quoted; BadInput when there is no such table. */
  private static String catalogTable(Connection conn, String table) throws SQLException {
    String[] parts = Identifiers.split(table, "baseline table");
    try (PreparedStatement ps = conn.prepareStatement("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
        + "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
      ps.setString(1, parts[0]);
      ps.setString(2, parts[1]);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw Lookups.badInput("baseline table " + table + " does not exist (drill.baselineTables)");
        }
        return Identifiers.quote(rs.getString(1), rs.getString(2));
      }
    }
  }

  @Override
  public List<String> storeDrillReport(DrillReportInput input) {
    if (!input.date().matches("\\d{4}-\\d{2}-\\d{2}") || !input.cluster().matches("[A-Za-z0-9_-]+")) {
      throw Lookups.badInput("bad drill report location " + input.cluster() + "/" + input.date());
    }
    if (config.archive() == null) {
      throw Lookups.config("no archive section configured: the drill report has nowhere to go");
    }
    String base = config.archive().prefix() + "/drills/" + input.cluster() + "/" + input.date() + "/";
    try (S3Client client = s3.client()) {
      byte[] body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(input.result());
      client.putObject(b -> b.bucket(s3.bucket()).key(base + "report.json").contentType("application/json"),
          RequestBody.fromBytes(body));
      client.putObject(b -> b.bucket(s3.bucket()).key(base + "report.md").contentType("text/markdown"),
          RequestBody.fromBytes(input.markdown().getBytes(StandardCharsets.UTF_8)));
      return List.of(base + "report.json", base + "report.md");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
