package io.pgrunbooks.ops.cli;

import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.DatabaseConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.PartitionPolicyConfig;
import io.pgrunbooks.config.RetentionSpec;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import io.pgrunbooks.workflows.partitionmaintenance.Intervals;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionPlanner;
import io.pgrunbooks.workflows.partitionmaintenance.TablePlan;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runbooks partitions}: the coverage of each configured partitioned table as a grid, read
 * straight from the primary's catalog (read-only queries) and judged by the same planner the
 * PartitionMaintenance runbook uses, so the grid shows what the next run would see.
 */
@Command(name = "partitions", mixinStandardHelpOptions = true,
    description = {"Print the partition coverage of each configured table as a grid (table x interval):",
        "  # partition exists   x exists, expired (next run retires it)   . missing",
        "  D missing, rows sit in the default partition   ~ covered by a partition with odd bounds",
        "Reads the catalog of the cluster's primary (read-only); needs the config and its password variable."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:printed", "1:no primary reachable or a query failed", "2:bad usage: unknown cluster or database"})
final class PartitionsCommand implements Callable<Integer> {
  static final int MAX_COLUMNS = 72;

  @Option(names = "--config", description = "Config file (default: $RUNBOOKS_CONFIG).")
  String config;

  @Option(names = "--cluster", required = true)
  String cluster;

  @Option(names = "--database", required = true)
  String database;

  PrintStream out = System.out;
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() {
    try {
      RunbooksConfig cfg = ConfigLoader.fromArgsOrEnv(config, env);
      ClusterConfig c = cfg.cluster(cluster);
      DatabaseConfig db = c == null ? null : c.database(database);
      if (db == null) {
        System.err.println("unknown cluster/database " + cluster + "/" + database);
        return ExitCodes.USAGE;
      }
      try (Connection conn = primary(c)) {
        Instant now = Instant.now();
        out.println("coverage of " + cluster + "/" + database + " at " + now + " (UTC intervals; # exists, x expired,"
            + " . missing, D default rows, ~ odd bounds)");
        for (PartitionPolicyConfig p : db.partitions()) {
          out.println(grid(conn, p, now));
        }
      }
      return ExitCodes.OK;
    } catch (SQLException | RuntimeException e) {
      System.err.println("partitions: " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }

  private Connection primary(ClusterConfig c) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", c.credentials().user());
    String password = c.credentials().resolvePassword(env);
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "5");
    props.setProperty("readOnly", "true");
    SQLException last = null;
    for (NodeConfig n : c.nodes()) {
      try {
        Connection conn = DriverManager.getConnection("jdbc:postgresql://" + n.host() + ":" + n.port() + "/" + database,
            props);
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
          rs.next();
          if (!rs.getBoolean(1)) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute("SET default_transaction_read_only = on");
            return conn;
          }
        }
        conn.close();
      } catch (SQLException e) {
        last = e;
      }
    }
    throw new SQLException("no reachable primary in cluster " + cluster, last);
  }

  String grid(Connection conn, PartitionPolicyConfig p, Instant now) throws SQLException {
    PartitionPolicy policy = new PartitionPolicy(p.table(), p.interval(), p.naming(), p.premake(),
        period(p.retentionSpec()), period(p.minRetentionSpec()), p.archive());
    TableFacts facts;
    try {
      facts = PartitionsReader.read(conn, p.table(), p.interval());
    } catch (IllegalArgumentException e) {
      return p.table() + ": " + e.getMessage();
    }
    TablePlan plan = PartitionPlanner.plan(policy, facts, now, p.premake());
    Set<String> expired = new HashSet<>();
    plan.expired().forEach(e -> expired.add(e.name()));
    LocalDate end = Intervals.plus(p.interval(), Intervals.floor(p.interval(), now), p.premake() + 1L);
    LocalDate start = Intervals.floor(p.interval(), now);
    for (PartitionFacts f : facts.partitions()) {
      if (f.from() != null && Intervals.floor(p.interval(), Instant.parse(f.from())).isBefore(start)) {
        start = Intervals.floor(p.interval(), Instant.parse(f.from()));
      }
    }
    while (Intervals.plus(p.interval(), start, MAX_COLUMNS).isBefore(end)) {
      start = Intervals.next(p.interval(), start);
    }
    StringBuilder cells = new StringBuilder();
    int existing = 0;
    int missing = 0;
    for (LocalDate d = start; d.isBefore(end); d = Intervals.next(p.interval(), d)) {
      Instant lo = Intervals.instant(d);
      Instant hi = Intervals.instant(Intervals.next(p.interval(), d));
      char cell = '.';
      for (PartitionFacts f : facts.partitions()) {
        Instant from = f.from() == null ? Instant.MIN : Instant.parse(f.from());
        Instant to = f.to() == null ? Instant.MAX : Instant.parse(f.to());
        if (from.equals(lo) && to.equals(hi)) {
          cell = expired.contains(f.name()) ? 'x' : '#';
        } else if (from.isBefore(hi) && to.isAfter(lo) && cell == '.') {
          cell = '~';
        }
      }
      if (cell == '.' && facts.defaultRows().stream().anyMatch(r -> r.from().equals(lo.toString()) && r.rows() > 0)) {
        cell = 'D';
      }
      existing += cell == '#' || cell == 'x' ? 1 : 0;
      missing += cell == '.' || cell == 'D' ? 1 : 0;
      cells.append(cell);
    }
    long defaultRows = facts.defaultRows().stream().mapToLong(r -> r.rows()).sum();
    return String.format("%-40s %s |%s| %s%n%-40s %d partitions, %d missing, %d expired, %d rows in default%s",
        p.table() + " (" + p.interval() + ")", start, cells, Intervals.plus(p.interval(), end, -1), "",
        facts.partitions().size(), missing, expired.size(), defaultRows,
        plan.coverage().overlaps().isEmpty() ? "" : ", " + plan.coverage().overlaps().size() + " overlaps");
  }

  private static String period(RetentionSpec spec) {
    return spec == null ? null : spec.toPeriod().toString();
  }

}
