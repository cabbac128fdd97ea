package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Partition DDL and catalog reads on the primary of a configured cluster (PartitionMaintenance).
 * Every method resolves tables through the catalog, quotes every identifier, and re-checks the
 * safety rules itself: a stale or forged input cannot make it drop a partition the policy keeps.
 */
@ActivityInterface
public interface PostgresPartitionActivities {
  /** The configured partition policies of a database; BadInput for an unknown cluster or database. */
  @ActivityMethod
  List<PartitionPolicy> partitionPolicies(PartitionPoliciesInput input);

  /**
   * Validates one configured parent against the catalog (exists, RANGE-partitioned on one date,
   * timestamp or timestamptz column) and returns its partitions with bounds and statistics, and
   * the rows of its default partition per interval. BadInput naming the table and the reason otherwise.
   */
  @ActivityMethod
  TableFacts inspectPartitionedTable(InspectTableInput input);

  /**
   * Creates the given partitions (each its own transaction, {@code lock_timeout} and retry), then
   * ANALYZEs them. One that exists already with the same bounds is left alone (idempotent).
   */
  @ActivityMethod
  CreatePartitionsResult createMissingPartitions(CreatePartitionsInput input);

  /** Exact row counts and sizes of the named partitions of a parent (the evidence of a drop approval). */
  @ActivityMethod
  List<PartitionCount> countPartitionRows(CountRowsInput input);

  /**
   * Drops approved expired partitions, each in its own transaction after re-checking, with the lock
   * held, that it is still a non-default partition of the parent with the approved bounds, row
   * count and content hash, and expired by the configured policy (retention and minRetention) at this moment.
   */
  @ActivityMethod
  DropPartitionsResult dropExpiredPartitions(DropPartitionsInput input);

  /**
   * {@link #inspectPartitionedTable} for several tables over one connection, results in input order; BadInput
   * naming the first invalid table (nothing is planned until every table is valid).
   */
  @ActivityMethod
  List<TableFacts> inspectPartitionedTables(InspectTablesInput input);

  /**
   * {@link #inspectPartitionedTables} that answers only the validated tables' names, in input order: a large run
   * validates every table before any batch changes one, without carrying every partition's facts in its history.
   */
  @ActivityMethod
  List<String> validatePartitionedTables(InspectTablesInput input);

  /**
   * {@link #createMissingPartitions} for several tables over one connection: each table's partitions, then one
   * ANALYZE of that table's new partitions. A table that fails (lock never granted, refused, SQL error) reports its
   * error and the others go on; a lost connection fails the activity (retried: creation is idempotent).
   */
  @ActivityMethod
  List<TableCreated> createPartitionsOfTables(TablesInput<CreatePartitionsInput> input);

  /** {@link #countPartitionRows} for several tables over one connection, results in input order. */
  @ActivityMethod
  List<TableCounts> countRowsOfTables(TablesInput<CountRowsInput> input);

  /**
   * {@link #dropExpiredPartitions} for several tables over one connection, each table's partitions in one
   * transaction with every partition's re-check under its lock: one refusal keeps all of that table's partitions,
   * a lock not granted within lock_timeout retries the table. A table that fails reports its error, the others go on.
   */
  @ActivityMethod
  List<TableDropped> dropPartitionsOfTables(TablesInput<DropPartitionsInput> input);

  /** Several tables' inputs for one activity on one cluster and database. */
  record TablesInput<T>(String cluster, String database, List<T> tables) {}

  record InspectTablesInput(String cluster, String database, List<PartitionPolicy> policies) {}

  /**
   * @param created the new partitions as the catalog describes them after their ANALYZE
   * @param error why this table failed, or null
   */
  record TableCreated(String table, List<String> created, List<String> alreadyExisted, List<PartitionFacts> facts,
                      String error) {}

  record TableCounts(String table, List<PartitionCount> counts) {}

  /** @param error why this table failed (partitions dropped before it are listed), or null */
  record TableDropped(String table, List<String> dropped, List<String> alreadyGone, String error) {}

  /**
   * A partition policy as the workflow needs it.
   *
   * @param table parent {@code schema.name}
   * @param interval day, week or month
   * @param naming name pattern ({@code {parent}}, {@code {yyyy}}, {@code {mm}}, {@code {dd}}, {@code {ww}})
   * @param retention ISO-8601 period ({@code P90D}, {@code P24M}), null to keep forever
   * @param minRetention ISO-8601 period of the compliance floor, or null
   * @param archiveParallel ArchivePartition children run at once for {@code archive: true} tables (config
   *     {@code archive.parallel}); null in policies recorded before it (the run then uses 4)
   */
  record PartitionPolicy(String table, String interval, String naming, int premake, String retention,
                         String minRetention, boolean archive, Integer archiveParallel) {
    public PartitionPolicy(String table, String interval, String naming, int premake, String retention,
                           String minRetention, boolean archive) {
      this(table, interval, naming, premake, retention, minRetention, archive, null);
    }
  }

  /**
   * @param tables only these tables' policies ({@code schema.name}; a name without a policy is left out), or null for
   *     all: a batch child reads its own tables', so its history does not grow with the database's table count
   */
  record PartitionPoliciesInput(String cluster, String database, List<String> tables) {
    public PartitionPoliciesInput(String cluster, String database) {
      this(cluster, database, null);
    }
  }

  record InspectTableInput(String cluster, String database, PartitionPolicy policy) {}

  /**
   * A validated parent and its partitions.
   *
   * @param keyType date, timestamp or timestamptz (the partition key's type)
   * @param defaultPartition {@code schema.name} of the default partition, or null
   * @param defaultRows rows of the default partition per interval start (exact count)
   */
  record TableFacts(String table, String keyColumn, String keyType, List<PartitionFacts> partitions,
                    String defaultPartition, List<IntervalRows> defaultRows) {}

  /**
   * One partition as the catalog describes it.
   *
   * @param from lower bound as an ISO instant (UTC), null for MINVALUE
   * @param to upper bound as an ISO instant (UTC), null for MAXVALUE
   * @param bound {@code pg_get_expr(relpartbound, oid)}, verbatim
   * @param rowsEstimate {@code pg_class.reltuples} (an estimate; -1 when never analyzed)
   */
  record PartitionFacts(String name, String from, String to, String bound, long rowsEstimate, long tableBytes,
                        long indexBytes) {}

  /** Rows of a default partition that fall in the interval starting at {@code from}. */
  record IntervalRows(String from, long rows) {}

  /** A partition to create: {@code name} without schema (the parent's schema), bounds as ISO instants. */
  record NewPartition(String name, String from, String to) {}

  record CreatePartitionsInput(String cluster, String database, String table, String keyType,
                               List<NewPartition> partitions, long lockTimeoutMillis, int lockAttempts) {}

  record CreatePartitionsResult(List<String> created, List<String> alreadyExisted) {}

  record CountRowsInput(String cluster, String database, String table, List<String> partitions) {}

  /**
   * Exact rows and total size of one partition; {@code from}/{@code to} as in {@link PartitionFacts}.
   *
   * @param sha256 SHA-256 of the partition's canonical CSV (the archive's hash form), null in evidence recorded
   *     before it existed; the drop re-checks it inside its transaction
   */
  record PartitionCount(String name, String from, String to, long rows, long totalBytes, String sha256) {}

  record DropPartitionsInput(String cluster, String database, String table, List<PartitionCount> partitions,
                             long lockTimeoutMillis, int lockAttempts) {}

  record DropPartitionsResult(List<String> dropped, List<String> alreadyGone) {}
}
