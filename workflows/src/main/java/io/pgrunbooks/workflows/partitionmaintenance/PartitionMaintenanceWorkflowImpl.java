package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CreatePartitionsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CreatePartitionsResult;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.InspectTableInput;
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
      // Every table is validated and planned before any is changed: one bad table changes nothing.
      List<TableFacts> facts = run.step("validate tables", () -> inParallel(policies,
          p -> Async.function(pg::inspectPartitionedTable, new InspectTableInput(cluster, database, p))),
          f -> f.size() + " range-partitioned tables validated");
      List<TableWork> work = run.step("plan", () -> plan(policies, facts, now, input.premake()), PartitionMaintenanceWorkflowImpl::describePlan);
      if (input.dryRun()) {
        DryRunPlan.record(run, work, cluster, database);
        return new PartitionMaintenanceResult(finish(RunbookState.COMPLETED, "dry run: " + describePlan(work)
            + "; nothing was changed"), reports(work));
      }
      run.step("create partitions", () -> create(cluster, database, work), n -> n + " partitions created");
      run.step("collect stats", () -> refreshStats(cluster, database, work), n -> n + " tables re-read");
      RunbookState outcome = new Retirement(run, gate(), pg, cluster, database, input).retire(work);
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
