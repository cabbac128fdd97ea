package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;
import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.catalog.PartitionCatalogReader;
import io.pgrunbooks.catalog.PartitionCatalogReader.Parent;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.DatabaseConfig;
import io.pgrunbooks.config.PartitionPolicyConfig;
import io.pgrunbooks.config.RetentionSpec;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@link PostgresPartitionActivities} over PgJDBC on the cluster's current primary. */
public class PostgresPartitionActivitiesImpl implements PostgresPartitionActivities {
  /** Failure type of a lock that was not granted within lock_timeout on any attempt; retryable. */
  public static final String LOCK_TIMEOUT = "LockTimeout";

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
    // Every parent validated in one query (the first bad one named), then every partition of all in one query.
    String at = policies.size() + " tables";
    try (Connection c = primary(input.cluster(), input.database())) {
      List<Parent> parents = PartitionCatalog.parents(c, policies.stream().map(PartitionPolicyConfig::table).toList());
      heartbeat("reading the partitions of " + at);
      return PartitionCatalog.facts(c, parents, policies.stream().map(PartitionPolicyConfig::interval).toList());
    } catch (SQLException e) {
      throw sqlFailure("reading the partitions of " + at, e);
    }
  }

  @Override
  public List<String> validatePartitionedTables(InspectTablesInput input) {
    // The parents only (one catalog query for all): their partitions are read by the batch that plans them.
    List<String> tables = input.policies().stream().map(p -> policy(input.cluster(), input.database(), p.table()))
        .map(PartitionPolicyConfig::table).toList();
    if (tables.isEmpty()) {
      return List.of();
    }
    try (Connection c = primary(input.cluster(), input.database())) {
      return PartitionCatalog.parents(c, tables).stream().map(Parent::table).toList();
    } catch (SQLException e) {
      throw sqlFailure("validating " + tables.size() + " tables", e);
    }
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
    List<TableCreated> out = eachTable(input, CreatePartitionsInput::table, "creating partitions",
        (c, policy, t, created, existed) -> {
          PartitionCreates.create(c, policy, t, created, existed);
          return new TableCreated(t.table(), created, existed, List.of(), null);
        }, (t, policy, created, existed, e) -> new TableCreated(t.table(), created, existed, List.of(),
            message(e instanceof SQLException sql ? createFailure(policy, created, sql) : e)));
    List<String> fresh = out.stream().flatMap(t -> t.created().stream().map(n -> schemaOf(t.table()) + "." + n))
        .toList();
    if (fresh.isEmpty()) {
      return out;
    }
    // The new partitions' facts for the report, all of them in one catalog query. They are only the report's: a
    // failure here leaves them out rather than fail (and retry) an activity whose creates committed.
    Map<String, PartitionFacts> facts = new HashMap<>();
    try (Connection c = primary(input.cluster(), input.database())) {
      PartitionCatalogReader.partitions(c, fresh).forEach(f -> facts.put(f.name(), f));
    } catch (SQLException e) {
      heartbeat("reading the " + fresh.size() + " new partitions failed: " + firstLine(e.getMessage()));
      return out;
    }
    return out.stream().map(t -> new TableCreated(t.table(), t.created(), t.alreadyExisted(), t.created().stream()
        .map(n -> facts.get(schemaOf(t.table()) + "." + n)).filter(Objects::nonNull).toList(), t.error())).toList();
  }

  private static String schemaOf(String table) {
    return PartitionCatalog.split(table)[0];
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
        "counting rows of partitions of ", (c, policy, t) -> new TableCounts(t.table(), PartitionEvidence.of(c, policy, t.partitions())));
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
      PartitionCreates.create(c, policy, input, created, existed);
      return new CreatePartitionsResult(created, existed);
    } catch (SQLException e) {
      throw createFailure(policy, created, e);
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
      return PartitionEvidence.of(c, policy, input.partitions());
    } catch (SQLException e) {
      throw sqlFailure("counting rows of partitions of " + policy.table(), e);
    }
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
