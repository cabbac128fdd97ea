package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CreatePartitionsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CreatePartitionsResult;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.InspectTableInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.InspectTablesInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableCreated;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TablesInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPoliciesInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** See {@link PartitionMaintenanceWorkflow}. Decides with {@link PartitionPlanner}, retires with {@link Retirement}. */
public class PartitionMaintenanceWorkflowImpl extends RunbookWorkflowBase implements PartitionMaintenanceWorkflow {
  /** Tables handled at once: bounds the connections one run opens on the primary. */
  static final int PARALLEL_TABLES = 8;
  static final long LOCK_TIMEOUT_MILLIS = 2_000;
  static final int LOCK_ATTEMPTS = 5;

  /** Version of the batched shape: tables in batches per activity, batches in parallel, stats read at creation. */
  static final String BATCHED = "partition-maintenance-batched";
  static final int BATCHED_V1 = 1;

  private static final RetryOptions RETRY = ActivityStubs.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(20));

  // DDL heartbeats per partition; attempts are bounded so a table locked for good fails the table, not the run.
  private final PostgresPartitionActivities pg = Workflow.newActivityStub(PostgresPartitionActivities.class,
      ActivityStubs.central(Duration.ofMinutes(30)).heartbeat(Duration.ofMinutes(1)).retry(RETRY).build());

  @Override
  public PartitionMaintenanceResult run(PartitionMaintenanceInput input) {
    validate(input);
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    RunRecorder run = begin(WorkflowTypes.PARTITION_MAINTENANCE, cluster, cluster + "/" + database, input);
    try {
      List<PartitionPolicy> policies = run.step("read policies",
          () -> selected(pg.partitionPolicies(new PartitionPoliciesInput(cluster, database)), input.tables()),
          p -> p.size() + " tables: " + String.join(", ", p.stream().map(PartitionPolicy::table).toList()));
      Instant now = run.now();
      boolean batched = Workflow.getVersion(BATCHED, Workflow.DEFAULT_VERSION, BATCHED_V1) >= BATCHED_V1;
      int parallel = TableBatches.parallel(input.parallel());
      // Every table is validated and planned before any is changed: one bad table changes nothing.
      List<TableFacts> facts = run.step("validate tables", () -> batched
              ? inBatches(policies, parallel, b -> Async.function(pg::inspectPartitionedTables,
                  new InspectTablesInput(cluster, database, b)))
              : inParallel(policies, p -> Async.function(pg::inspectPartitionedTable,
                  new InspectTableInput(cluster, database, p))),
          f -> f.size() + " range-partitioned tables validated");
      List<TableWork> work = run.step("plan", () -> plan(policies, facts, now, input.premake()), PartitionMaintenanceWorkflowImpl::describePlan);
      if (input.dryRun()) {
        DryRunPlan.record(run, work, cluster, database);
        return new PartitionMaintenanceResult(finish(RunbookState.COMPLETED, "dry run: " + describePlan(work)
            + "; nothing was changed"), reports(work));
      }
      if (batched) {
        run.step("create partitions", () -> createInBatches(cluster, database, work, parallel),
            n -> n + " partitions created and analyzed");
      } else {
        run.step("create partitions", () -> create(cluster, database, work), n -> n + " partitions created");
        run.step("collect stats", () -> refreshStats(cluster, database, work), n -> n + " tables re-read");
      }
      RunbookState outcome = new Retirement(run, gate(), pg, cluster, database, input, batched ? parallel : 0)
          .retire(work);
      return new PartitionMaintenanceResult(finish(outcome, summary(work, outcome)), reports(work));
    } catch (RuntimeException e) {
      fail("PartitionMaintenance of " + cluster + "/" + database + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  private static void validate(PartitionMaintenanceInput input) {
    if (input == null || blank(input.cluster()) || blank(input.database())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "PartitionMaintenance needs a cluster and a database, e.g. {\"cluster\": \"main\", \"database\": \"app\"}",
          FailureTypes.BAD_INPUT);
    }
    if (input.premake() != null && (input.premake() < 1 || input.premake() > 120)) {
      throw ApplicationFailure.newNonRetryableFailure("premake must be 1-120, got " + input.premake(),
          FailureTypes.BAD_INPUT);
    }
    if (input.parallel() != null && (input.parallel() < 1 || input.parallel() > TableBatches.MAX_PARALLEL)) {
      throw ApplicationFailure.newNonRetryableFailure("parallel must be 1-" + TableBatches.MAX_PARALLEL + ", got "
          + input.parallel(), FailureTypes.BAD_INPUT);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** The requested tables' policies; a name that is not configured (or not a name at all) is refused. */
  private static List<PartitionPolicy> selected(List<PartitionPolicy> all, List<String> tables) {
    if (tables == null || tables.isEmpty()) {
      return all;
    }
    Map<String, PartitionPolicy> byName = new LinkedHashMap<>();
    all.forEach(p -> byName.put(p.table(), p));
    List<PartitionPolicy> chosen = new ArrayList<>();
    for (String t : tables) {
      PartitionPolicy p = byName.get(t == null ? "" : t.strip());
      if (p == null) {
        throw ApplicationFailure.newNonRetryableFailure("table '" + t + "' has no partition policy in this database;"
            + " configured: " + (byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet())), FailureTypes.BAD_INPUT);
      }
      if (!chosen.contains(p)) {
        chosen.add(p);
      }
    }
    return chosen;
  }

  private static List<TableWork> plan(List<PartitionPolicy> policies, List<TableFacts> facts, Instant now,
                                      Integer premake) {
    List<TableWork> work = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      PartitionPolicy p = policies.get(i);
      try {
        TablePlan plan = PartitionPlanner.plan(p, facts.get(i), now, premake != null ? premake : p.premake());
        work.add(new TableWork(plan, facts.get(i)));
      } catch (IllegalArgumentException e) {
        throw ApplicationFailure.newNonRetryableFailure(e.getMessage() + "; nothing was changed", FailureTypes.BAD_INPUT);
      }
    }
    return work;
  }

  private int create(String cluster, String database, List<TableWork> work) {
    List<TableWork> todo = work.stream().filter(w -> !w.plan.create().isEmpty()).toList();
    List<CreatePartitionsResult> results = inParallel(todo, w -> Async.function(pg::createMissingPartitions,
        new CreatePartitionsInput(cluster, database, w.table(), w.plan.keyType(), w.plan.create(),
            LOCK_TIMEOUT_MILLIS, LOCK_ATTEMPTS)).handle((r, e) -> {
              if (e != null) {
                w.failed("creating partitions failed: " + Failures.describe(e));
                return null;
              }
              return r;
            }));
    int n = 0;
    for (int i = 0; i < todo.size(); i++) {
      TableWork w = todo.get(i);
      CreatePartitionsResult r = results.get(i);
      if (r != null) {
        String schema = w.table().substring(0, w.table().indexOf('.') + 1);
        for (String c : r.created()) {
          w.created.add(schema + c);
          run().change("created partition " + schema + c);
        }
        n += r.created().size();
      }
    }
    return n;
  }

  /**
   * Batched creation: each activity creates the partitions of a batch of tables over one connection and returns
   * the new partitions' facts after their ANALYZE, so no table is read again.
   */
  private int createInBatches(String cluster, String database, List<TableWork> work, int parallel) {
    List<TableWork> todo = work.stream().filter(w -> !w.plan.create().isEmpty()).toList();
    List<TableCreated> results = inBatches(todo, parallel, b -> Async.function(pg::createPartitionsOfTables,
        new TablesInput<>(cluster, database, b.stream().map(w -> new CreatePartitionsInput(cluster, database,
            w.table(), w.plan.keyType(), w.plan.create(), LOCK_TIMEOUT_MILLIS, LOCK_ATTEMPTS)).toList()))
        .handle((r, e) -> {
          if (e == null) {
            return r;
          }
          String why = "creating partitions failed: " + Failures.describe(e);
          return b.stream().map(w -> new TableCreated(w.table(), List.of(), List.of(), List.of(), why)).toList();
        }));
    int n = 0;
    for (int i = 0; i < todo.size(); i++) {
      TableWork w = todo.get(i);
      TableCreated r = results.get(i);
      String schema = w.table().substring(0, w.table().indexOf('.') + 1);
      for (String c : r.created()) {
        w.created.add(schema + c);
        run().change("created partition " + schema + c);
      }
      n += r.created().size();
      w.addPartitions(r.facts());
      if (r.error() != null) {
        w.failed(r.error());
      }
    }
    return n;
  }

  /**
   * Runs {@code call} for {@code items} split by {@link TableBatches} ({@code parallel} at once), one result per
   * item in input order; a batch's call must answer one result per item of its batch.
   */
  static <T, R> List<R> inBatches(List<T> items, int parallel, Function<List<T>, Promise<List<R>>> call) {
    List<List<T>> batches = TableBatches.split(items, parallel);
    List<R> out = new ArrayList<>();
    for (int i = 0; i < batches.size(); i += parallel) {
      List<Promise<List<R>>> wave = new ArrayList<>();
      for (List<T> batch : batches.subList(i, Math.min(batches.size(), i + parallel))) {
        wave.add(call.apply(batch));
      }
      for (int j = 0; j < wave.size(); j++) {
        List<R> r = wave.get(j).get();
        if (r.size() != batches.get(i + j).size()) {
          throw ApplicationFailure.newNonRetryableFailure("a batch of " + batches.get(i + j).size() + " tables answered "
              + r.size() + " results; nothing more is done", FailureTypes.BAD_INPUT);
        }
        out.addAll(r);
      }
    }
    return out;
  }

  /** Stats after creation: tables that gained partitions are read again. */
  private int refreshStats(String cluster, String database, List<TableWork> work) {
    List<TableWork> changed = work.stream().filter(w -> !w.created.isEmpty()).toList();
    List<TableFacts> fresh = inParallel(changed, w -> Async.function(pg::inspectPartitionedTable,
        new InspectTableInput(cluster, database, w.plan.policy())));
    for (int i = 0; i < changed.size(); i++) {
      changed.get(i).facts = fresh.get(i);
    }
    return changed.size();
  }

  /** Runs {@code call} for every item, {@link #PARALLEL_TABLES} at a time, results in input order. */
  static <T, R> List<R> inParallel(List<T> items, Function<T, Promise<R>> call) {
    List<R> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += PARALLEL_TABLES) {
      List<Promise<R>> batch = new ArrayList<>();
      for (T item : items.subList(i, Math.min(items.size(), i + PARALLEL_TABLES))) {
        batch.add(call.apply(item));
      }
      for (Promise<R> p : batch) {
        out.add(p.get());
      }
    }
    return out;
  }

  private static String describePlan(List<TableWork> work) {
    int create = work.stream().mapToInt(w -> w.plan.create().size()).sum();
    int expired = work.stream().mapToInt(w -> w.plan.expired().size()).sum();
    long attention = work.stream().filter(w -> !w.plan.coverage().clean() || !w.plan.skipped().isEmpty()).count();
    return work.size() + " tables: " + create + " partitions to create, " + expired + " expired, "
        + attention + " with coverage findings";
  }

  private static String summary(List<TableWork> work, RunbookState outcome) {
    int created = work.stream().mapToInt(w -> w.created.size()).sum();
    int retired = work.stream().mapToInt(w -> w.retired.size()).sum();
    long failed = work.stream().filter(w -> w.failed).count();
    return work.size() + " tables: " + created + " partitions created, " + retired + " retired"
        + (failed > 0 ? ", " + failed + " tables FAILED" : "")
        + (outcome == RunbookState.COMPLETED ? "" : "; drop " + outcome.name().toLowerCase() + ", every expired partition kept");
  }

  private static List<TableReport> reports(List<TableWork> work) {
    return work.stream().map(TableWork::report).toList();
  }
}
