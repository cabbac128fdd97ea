package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A catalog of monthly tables ({@code public.t1 ...} when counted), each with one partition of January 2000 (expired
 * when {@code retention} is set). Thread-safe: batch children call it in parallel. Knobs for the failure paths.
 */
final class ManyTables implements PostgresPartitionActivities {
  static final String OLD_FROM = "2000-01-01T00:00:00Z";
  static final String OLD_TO = "2000-02-01T00:00:00Z";

  final List<String> tables;
  String retention;
  /** A table the catalog refuses (not partitioned), or null. */
  String bad;
  /** A table whose policy keeps less than its compliance floor (as a stale or forged config would), or null. */
  String belowFloor;
  /** The drop activity commits its tables' drops and then fails as a whole (a lost connection after COMMIT). */
  boolean dropFailsAfterCommit;
  /** Tables whose policy archives ({@code archive: true}) instead of dropping. */
  final Set<String> archived = ConcurrentHashMap.newKeySet();
  /** {@code archive.parallel} as the policies carry it, or null. */
  Integer archiveParallel;
  /** Expired partitions per table (January, February 2000, ...), when {@code retention} is set. */
  int expiredPerTable = 1;
  /** Exact rows per partition where not 10; rows written later are added here. */
  final Map<String, Long> rows = new ConcurrentHashMap<>();
  /** Partitions that gain 5 rows right after their first count (written between the evidence and the act). */
  final Set<String> growAfterFirstCount = ConcurrentHashMap.newKeySet();
  final Set<String> created = ConcurrentHashMap.newKeySet();
  /** The partitions created per table, which the catalog then lists (a second round plans nothing to create). */
  private final Map<String, List<PartitionFacts>> made = new ConcurrentHashMap<>();
  final Set<String> dropped = ConcurrentHashMap.newKeySet();
  final Set<String> validated = ConcurrentHashMap.newKeySet();

  ManyTables(int tables) {
    this(IntStream.rangeClosed(1, tables).mapToObj(ManyTables::table).toList());
  }

  ManyTables(List<String> tables) {
    this.tables = List.copyOf(tables);
  }

  static String table(int i) {
    return "public.t" + i;
  }

  static String old(String table) {
    return table + "_2000_01";
  }

  /** The {@code month}th expired partition of {@code table} (1: January 2000). */
  static String old(String table, int month) {
    return table + "_2000_" + String.format("%02d", month);
  }

  static String from(int month) {
    return String.format("2000-%02d-01T00:00:00Z", month);
  }

  long rows(String partition) {
    return rows.getOrDefault(partition, 10L);
  }

  /** The stand-in for a partition's CSV SHA-256: the same for the same rows, another when rows change. */
  static String sha(String partition, long rows) {
    return String.format("%064x", (partition + "/" + rows).hashCode() & 0xffffffffL);
  }

  @Override
  public List<PartitionPolicy> partitionPolicies(PartitionPoliciesInput input) {
    return tables.stream().filter(t -> input.tables() == null || input.tables().contains(t)).map(t -> t.equals(belowFloor)
        ? new PartitionPolicy(t, "month", "{parent}_{yyyy}_{mm}", 2, "P1M", "P6M", false)
        : new PartitionPolicy(t, "month", "{parent}_{yyyy}_{mm}", 2, retention, null, archived.contains(t),
            archiveParallel)).toList();
  }

  @Override
  public TableFacts inspectPartitionedTable(InspectTableInput input) {
    String t = input.policy().table();
    if (t.equals(bad)) {
      throw ApplicationFailure.newNonRetryableFailure(t + " is not partitioned", FailureTypes.BAD_INPUT);
    }
    List<PartitionFacts> parts = new ArrayList<>();
    for (int m = 1; retention != null && m <= expiredPerTable; m++) {
      String name = old(t, m);
      if (!dropped.contains(name)) {
        parts.add(new PartitionFacts(name, from(m), from(m + 1), "FOR VALUES FROM ('" + from(m) + "') TO ('"
            + from(m + 1) + "')", 10, 8192, 8192));
      }
    }
    parts.addAll(made.getOrDefault(t, List.of()));
    return new TableFacts(t, "created_at", "timestamptz", parts, null, List.of());
  }

  @Override
  public CreatePartitionsResult createMissingPartitions(CreatePartitionsInput input) {
    List<String> names = input.partitions().stream().map(NewPartition::name).toList();
    created.addAll(names);
    made.computeIfAbsent(input.table(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).addAll(
        input.partitions().stream().map(n -> new PartitionFacts(n.name(), n.from(), n.to(), "FOR VALUES FROM ('"
            + n.from() + "') TO ('" + n.to() + "')", 0, 8192, 8192)).toList());
    return new CreatePartitionsResult(names, List.of());
  }

  @Override
  public List<PartitionCount> countPartitionRows(CountRowsInput input) {
    return input.partitions().stream().map(n -> {
      int m = Integer.parseInt(n.substring(n.length() - 2));
      PartitionCount c = new PartitionCount(n, from(m), from(m + 1), rows(n), 16384, sha(n, rows(n)));
      if (growAfterFirstCount.remove(n)) {
        rows.put(n, rows(n) + 5);
      }
      return c;
    }).toList();
  }

  @Override
  public DropPartitionsResult dropExpiredPartitions(DropPartitionsInput input) {
    throw new IllegalStateException("batched runs drop through dropPartitionsOfTables");
  }

  @Override
  public List<TableFacts> inspectPartitionedTables(InspectTablesInput input) {
    return input.policies().stream().map(p -> inspectPartitionedTable(
        new InspectTableInput(input.cluster(), input.database(), p))).toList();
  }

  @Override
  public List<String> validatePartitionedTables(InspectTablesInput input) {
    List<String> names = inspectPartitionedTables(input).stream().map(TableFacts::table).toList();
    validated.addAll(names);
    return names;
  }

  @Override
  public List<TableCreated> createPartitionsOfTables(TablesInput<CreatePartitionsInput> input) {
    return input.tables().stream().map(t -> {
      CreatePartitionsResult r = createMissingPartitions(t);
      return new TableCreated(t.table(), r.created(), r.alreadyExisted(), List.of(), null);
    }).toList();
  }

  @Override
  public List<TableCounts> countRowsOfTables(TablesInput<CountRowsInput> input) {
    return input.tables().stream().map(t -> new TableCounts(t.table(), countPartitionRows(t))).toList();
  }

  @Override
  public List<TableDropped> dropPartitionsOfTables(TablesInput<DropPartitionsInput> input) {
    List<TableDropped> out = new ArrayList<>();
    for (DropPartitionsInput t : input.tables()) {
      List<String> names = t.partitions().stream().map(PartitionCount::name).toList();
      dropped.addAll(names);
      out.add(new TableDropped(t.table(), names, List.of(), null));
    }
    if (dropFailsAfterCommit) {
      throw ApplicationFailure.newNonRetryableFailure("I/O error: connection reset after COMMIT", "PSQLException");
    }
    return out;
  }
}
