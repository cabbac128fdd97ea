package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;
import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.catalog.PartitionCatalogReader.Parent;
import io.pgrunbooks.activities.postgres.PartitionCatalog.Relation;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.DatabaseConfig;
import io.pgrunbooks.config.PartitionPolicyConfig;
import io.pgrunbooks.config.RetentionSpec;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionSql;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** {@link PostgresPartitionActivities} over PgJDBC on the cluster's current primary. */
public class PostgresPartitionActivitiesImpl implements PostgresPartitionActivities {
  /** Failure type of a lock that was not granted within lock_timeout on any attempt; retryable. */
  public static final String LOCK_TIMEOUT = "LockTimeout";
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final PartitionDrops drops;

  public PostgresPartitionActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this(config, connections, Clock.systemUTC());
  }

  public PostgresPartitionActivitiesImpl(RunbooksConfig config, ConnectionFactory connections, Clock clock) {
    this.config = config;
    this.connections = connections;
    this.drops = new PartitionDrops(clock);
  }

  @Override
  public List<PartitionPolicy> partitionPolicies(PartitionPoliciesInput input) {
    return database(input.cluster(), input.database()).partitions().stream()
        .filter(p -> input.tables() == null || input.tables().contains(p.table())).map(p -> new PartitionPolicy(p.table(),
        p.interval(), p.naming(), p.premake(), period(p.retentionSpec()), period(p.minRetentionSpec()),
        p.archive(), config.archive().parallel())).toList();
  }

  @Override
  public TableFacts inspectPartitionedTable(InspectTableInput input) {
    PartitionPolicyConfig policy = policy(input.cluster(), input.database(), input.policy().table());
    try (Connection c = primary(input.cluster(), input.database())) {
      return PartitionCatalog.facts(c, PartitionCatalog.parent(c, policy.table()), policy.interval());
    } catch (SQLException e) {
      throw sqlFailure("reading the partitions of " + policy.table(), e);
    }
  }

  @Override
  public List<TableFacts> inspectPartitionedTables(InspectTablesInput input) {
    List<PartitionPolicyConfig> policies = input.policies().stream()
        .map(p -> policy(input.cluster(), input.database(), p.table())).toList();
    if (policies.isEmpty()) {
      return List.of();
    }
    String at = policies.get(0).table();
    // Each parent validated (one query each, the first bad one named), then every partition of all in one query.
    try (Connection c = primary(input.cluster(), input.database())) {
      List<Parent> parents = new ArrayList<>();
      for (PartitionPolicyConfig policy : policies) {
        at = policy.table();
        parents.add(PartitionCatalog.parent(c, at));
      }
      at = policies.size() + " tables";
      heartbeat("reading the partitions of " + at);
      return PartitionCatalog.facts(c, parents, policies.stream().map(PartitionPolicyConfig::interval).toList());
    } catch (SQLException e) {
      throw sqlFailure("reading the partitions of " + at, e);
    }
  }

  @Override
  public List<String> validatePartitionedTables(InspectTablesInput input) {
    // The parents only: their partitions are read by the batch that plans them.
    return allTables(input.cluster(), input.database(), input.policies(), PartitionPolicy::table, "validating ",
        (c, policy, p) -> PartitionCatalog.parent(c, policy.table()).table());
  }

  @FunctionalInterface
  private interface TableRead<T, R> {
    R run(Connection c, PartitionPolicyConfig policy, T table) throws SQLException;
  }

  /**
   * Runs {@code read} for each table over one connection, every table's policy resolved first (an unknown table
   * fails before anything is read); any failure fails the whole activity naming the table.
   */
  private <T, R> List<R> allTables(String cluster, String database, List<T> tables,
                                   java.util.function.Function<T, String> table, String what, TableRead<T, R> read) {
    List<PartitionPolicyConfig> policies = tables.stream().map(t -> policy(cluster, database, table.apply(t))).toList();
    List<R> out = new ArrayList<>();
    if (tables.isEmpty()) {
      return out;
    }
    try (Connection c = primary(cluster, database)) {
      for (int i = 0; i < tables.size(); i++) {
        out.add(read.run(c, policies.get(i), tables.get(i)));
      }
      return out;
    } catch (SQLException e) {
      throw sqlFailure(what + policies.get(Math.min(out.size(), policies.size() - 1)).table(), e);
    }
  }

  @Override
  public List<TableCreated> createPartitionsOfTables(TablesInput<CreatePartitionsInput> input) {
    return eachTable(input, CreatePartitionsInput::table, "creating partitions", (c, policy, t, created, existed) -> {
      create(c, policy, t, created, existed);
      List<PartitionFacts> fresh = PartitionCatalog.facts(c, PartitionCatalog.parent(c, policy.table()),
          policy.interval()).partitions().stream()
          .filter(f -> created.contains(PartitionCatalog.split(f.name())[1])).toList();
      return new TableCreated(t.table(), created, existed, fresh, null);
    }, (t, policy, created, existed, e) -> new TableCreated(t.table(), created, existed, List.of(),
        message(e instanceof SQLException sql ? createFailure(policy, created, sql) : e)));
  }

  @FunctionalInterface
  private interface TableStep<T, R> {
    R run(Connection c, PartitionPolicyConfig policy, T table, List<String> done, List<String> other)
        throws SQLException;
  }

  @FunctionalInterface
  private interface TableFailure<T, R> {
    R failed(T table, PartitionPolicyConfig policy, List<String> done, List<String> other, Exception e);
  }

  /**
   * Runs {@code step} for each table over one connection; a table's own failure (SQL error, refusal, lock not
   * granted) becomes its result through {@code failure} and the next table goes on; a lost connection fails all.
   */
  private <T, R> List<R> eachTable(TablesInput<T> input, java.util.function.Function<T, String> table, String what,
                                   TableStep<T, R> step, TableFailure<T, R> failure) {
    List<R> out = new ArrayList<>();
    try (Connection c = primary(input.cluster(), input.database())) {
      for (T t : input.tables()) {
        PartitionPolicyConfig policy = policy(input.cluster(), input.database(), table.apply(t));
        List<String> done = new ArrayList<>();
        List<String> other = new ArrayList<>();
        try {
          out.add(step.run(c, policy, t, done, other));
        } catch (SQLException | ApplicationFailure e) {
          rethrowIfConnectionLost(c, e);
          out.add(failure.failed(t, policy, done, other, e));
        }
      }
      return out;
    } catch (SQLException e) {
      throw sqlFailure(what + " (done so far: " + out.size() + " tables)", e);
    }
  }

  @Override
  public List<TableCounts> countRowsOfTables(TablesInput<CountRowsInput> input) {
    return allTables(input.cluster(), input.database(), input.tables(), CountRowsInput::table,
        "counting rows of partitions of ", (c, policy, t) -> new TableCounts(t.table(), count(c, policy, t.partitions())));
  }

  @Override
  public List<TableDropped> dropPartitionsOfTables(TablesInput<DropPartitionsInput> input) {
    return eachTable(input, DropPartitionsInput::table, "dropping partitions", (c, policy, t, dropped, gone) -> {
      drops.dropInOneTransaction(c, policy, t, dropped, gone);
      return new TableDropped(t.table(), dropped, gone, null);
    }, (t, policy, dropped, gone, e) -> new TableDropped(t.table(), dropped, gone, message(e instanceof SQLException sql
        ? sqlFailure("dropping partitions of " + policy.table() + " (dropped so far: " + dropped + ")", sql) : e)));
  }

  /** The sentence of a failure (an ApplicationFailure's own message, without its type decoration). */
  private static String message(Exception e) {
    return e instanceof ApplicationFailure f ? f.getOriginalMessage() : e.getMessage();
  }

  /** A connection that is gone fails the whole activity (retried); any other failure is the table's own. */
  private static void rethrowIfConnectionLost(Connection c, Exception e) throws SQLException {
    boolean lost;
    try {
      lost = c.isClosed() || !c.isValid(5);
    } catch (SQLException ignored) {
      lost = true;
    }
    if (lost) {
      throw e instanceof SQLException sql ? sql : new SQLException("connection lost: " + message(e), "08006", e);
    }
  }

  @Override
  public CreatePartitionsResult createMissingPartitions(CreatePartitionsInput input) {
    PartitionPolicyConfig policy = policy(input.cluster(), input.database(), input.table());
    List<String> created = new ArrayList<>();
    List<String> existed = new ArrayList<>();
    try (Connection c = primary(input.cluster(), input.database())) {
      create(c, policy, input, created, existed);
      return new CreatePartitionsResult(created, existed);
    } catch (SQLException e) {
      throw createFailure(policy, created, e);
    }
  }

  /** Creates the missing partitions of one table, each its own transaction, then ANALYZEs the new ones at once. */
  private static void create(Connection c, PartitionPolicyConfig policy, CreatePartitionsInput input,
                             List<String> created, List<String> existed) throws SQLException {
    Parent parent = PartitionCatalog.parent(c, policy.table());
    for (NewPartition p : input.partitions()) {
      if (!NAME.matcher(p.name()).matches()) {
        throw Lookups.badInput(p.name() + " is not a plain lower-case identifier; refused");
      }
      heartbeat("creating " + p.name());
      Relation r = PartitionCatalog.relation(c, policy.schema(), p.name());
      if (r != null) {
        if (r.parentOid() == parent.oid() && r.bound() != null && !"DEFAULT".equals(r.bound())
            && List.of(p.from(), p.to()).equals(List.of(PartitionCatalog.bounds(r.bound())))) {
          existed.add(p.name());
          continue;
        }
        throw refused(policy.schema() + "." + p.name() + " exists but is not the partition of " + policy.table()
            + " for [" + p.from() + ", " + p.to() + "); nothing created for it");
      }
      String sql = PartitionSql.create(policy.table(), parent.keyType(), p.name(), p.from(), p.to());
      PartitionDrops.withLockRetry(c, input.lockTimeoutMillis(), input.lockAttempts(), "create " + p.name(), st -> st.execute(sql));
      created.add(p.name());
    }
    if (!created.isEmpty()) {
      // One ANALYZE statement for the table's new (empty) partitions instead of one per partition.
      String analyze = PartitionSql.analyze(created.stream().map(n -> policy.schema() + "." + n).toList());
      PartitionDrops.withLockRetry(c, input.lockTimeoutMillis(), input.lockAttempts(), "analyze " + created,
          st -> st.execute(analyze));
    }
  }

  private static ApplicationFailure createFailure(PartitionPolicyConfig policy, List<String> created, SQLException e) {
    if ("23514".equals(e.getSQLState())) {
      return refused("creating a partition of " + policy.table() + " was refused by PostgreSQL because the default "
          + "partition holds rows in its range: " + firstLine(e.getMessage()) + "; created so far: " + created);
    }
    return sqlFailure("creating partitions of " + policy.table() + " (created so far: " + created + ")", e);
  }

  @Override
  public List<PartitionCount> countPartitionRows(CountRowsInput input) {
    PartitionPolicyConfig policy = policy(input.cluster(), input.database(), input.table());
    try (Connection c = primary(input.cluster(), input.database())) {
      return count(c, policy, input.partitions());
    } catch (SQLException e) {
      throw sqlFailure("counting rows of partitions of " + policy.table(), e);
    }
  }

  /** Exact rows, total size and the canonical CSV SHA-256 of the named partitions of one table. */
  private static List<PartitionCount> count(Connection c, PartitionPolicyConfig policy, List<String> partitions)
      throws SQLException {
    List<PartitionCount> counts = new ArrayList<>();
    Parent parent = PartitionCatalog.parent(c, policy.table());
    for (String name : partitions) {
      String[] parts = PartitionCatalog.split(name);
      Relation r = PartitionCatalog.relation(c, parts[0], parts[1]);
      if (r == null) {
        continue;
      }
      PartitionDrops.requirePartitionOf(r, parent, name);
      heartbeat("counting " + name);
      String[] b = PartitionCatalog.bounds(r.bound());
      // Exact rows and the canonical CSV SHA-256: the drop re-checks both under its lock (content, not just count).
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        ContentHash.Result content = ContentHash.of(c, PartitionSql.qualified(name));
        try (ResultSet rs = st.executeQuery("SELECT pg_total_relation_size(" + r.oid() + "::oid)")) {
          rs.next();
          counts.add(new PartitionCount(name, b[0], b[1], content.rows(), rs.getLong(1), content.sha256()));
        }
        c.commit();
      } finally {
        c.setAutoCommit(true);
      }
    }
    return counts;
  }

  @Override
  public DropPartitionsResult dropExpiredPartitions(DropPartitionsInput input) {
    PartitionPolicyConfig policy = policy(input.cluster(), input.database(), input.table());
    List<String> dropped = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    try (Connection c = primary(input.cluster(), input.database())) {
      drops.drop(c, policy, input, dropped, gone);
      return new DropPartitionsResult(dropped, gone);
    } catch (SQLException e) {
      throw sqlFailure("dropping partitions of " + policy.table() + " (dropped so far: " + dropped + ")", e);
    }
  }

  private DatabaseConfig database(String cluster, String database) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    DatabaseConfig db = c.database(database);
    if (db == null) {
      throw Lookups.badInput("unknown database '" + database + "' in cluster " + cluster + "; configured: "
          + (c.databases().isEmpty() ? "(none)" : String.join(", ", c.databases().keySet())));
    }
    return db;
  }

  /** The configured policy: only configured parents are ever touched, whatever the input says. */
  private PartitionPolicyConfig policy(String cluster, String database, String table) {
    PartitionPolicyConfig p = database(cluster, database).policy(table);
    if (p == null) {
      throw Lookups.badInput("table '" + table + "' has no partition policy in " + cluster + "/" + database);
    }
    if (p.retentionSpec() != null && p.minRetentionSpec() != null && p.retentionSpec().isBelow(p.minRetentionSpec())) {
      throw Lookups.badInput(table + ": retention " + p.retention() + " is below minRetention " + p.minRetention());
    }
    return p;
  }

  /**
   * A connection to the node that is primary now ({@link Primary}, the one primary finder), with TimeZone
   * UTC (bounds are read back in UTC).
   */
  private Connection primary(String cluster, String database) throws SQLException {
    Connection conn = Primary.open(config, connections, cluster, database).connection();
    try (Statement st = conn.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    } catch (SQLException e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  static String period(RetentionSpec spec) {
    return spec == null ? null : spec.toPeriod().toString();
  }

  static ApplicationFailure refused(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.SAFETY_REFUSED);
  }

  private static ApplicationFailure sqlFailure(String what, SQLException e) {
    if ("3D000".equals(e.getSQLState())) {
      return Lookups.badInput(what + ": " + firstLine(e.getMessage()));
    }
    return ApplicationFailure.newFailure(what + " failed: " + firstLine(e.getMessage()), PostgresActivitiesImpl.SQL_ERROR);
  }
}
