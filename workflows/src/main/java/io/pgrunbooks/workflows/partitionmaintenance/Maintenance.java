package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CreatePartitionsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CreatePartitionsResult;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.InspectTableInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.InspectTablesInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPoliciesInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableCreated;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TablesInput;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The maintenance of a list of tables inside one workflow run: validate, plan, create, retire. Used by
 * {@code PartitionMaintenance} for runs of up to {@link TableBatches#MAX_TABLES_PER_ACTIVITY} tables (and every run
 * recorded before the batch children) and by each {@code PartitionMaintenanceBatch} child for its batch.
 */
final class Maintenance {
  /** Tables handled at once in the one-table-per-activity shape of older runs. */
  static final int PARALLEL_TABLES = 8;
  static final long LOCK_TIMEOUT_MILLIS = 2_000;
  static final int LOCK_ATTEMPTS = 5;

  private static final RetryOptions RETRY = ActivityStubs.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(20));

  /** What a run did: the tables' state and the outcome of the drop batch, with the run's one-line summary. */
  record Done(List<TableWork> work, RunbookState outcome, String summary, List<ExpiredEvidence> evidence) {
    Done(List<TableWork> work, RunbookState outcome, String summary) {
      this(work, outcome, summary, List.of());
    }
  }

  private final RunRecorder run;
  private final ApprovalGate gate;
  private final PostgresPartitionActivities pg;
  private final String cluster;
  private final String database;
  private final PartitionMaintenanceInput input;

  Maintenance(RunRecorder run, ApprovalGate gate, PostgresPartitionActivities pg, PartitionMaintenanceInput input) {
    this.run = run;
    this.gate = gate;
    this.pg = pg;
    this.cluster = input.cluster().strip();
    this.database = input.database().strip();
    this.input = input;
  }

  /** The partition activities as every PartitionMaintenance workflow calls them. */
  static PostgresPartitionActivities activities() {
    // DDL heartbeats per partition; attempts are bounded so a table locked for good fails the table, not the run.
    return Workflow.newActivityStub(PostgresPartitionActivities.class,
        ActivityStubs.central(Duration.ofMinutes(30)).heartbeat(Duration.ofMinutes(1)).retry(RETRY).build());
  }

  /**
   * The requested tables' policies, read from config (an activity); an unknown name is refused.
   *
   * @param onlyRequested ask the activity for the requested tables' policies only (a batch child), not all of them
   */
  List<PartitionPolicy> policies(boolean onlyRequested) {
    PartitionPoliciesInput in = new PartitionPoliciesInput(cluster, database, onlyRequested ? input.tables() : null);
    return run.step("read policies", () -> selected(pg.partitionPolicies(in), input.tables()),
        p -> p.size() + " tables: " + String.join(", ", p.stream().map(PartitionPolicy::table).toList()));
  }

  /**
   * Validates and plans every table before any is changed (one bad table changes nothing), then creates, then
   * retires. {@code parallel} 0 is the one-table-per-activity shape of runs recorded before batching.
   */
  Done maintain(List<PartitionPolicy> policies, Instant now, int parallel) {
    boolean batched = parallel > 0;
    List<TableFacts> facts = run.step("validate tables", () -> batched
            ? Waves.inBatches(policies, parallel, b -> Async.function(
                pg::inspectPartitionedTables, new InspectTablesInput(cluster, database, b)))
            : Waves.inParallel(policies, p -> Async.function(pg::inspectPartitionedTable,
                new InspectTableInput(cluster, database, p))),
        f -> f.size() + " range-partitioned tables validated");
    List<TableWork> work = run.step("plan", () -> plan(policies, facts, now, input.premake()), Maintenance::describePlan);
    if (input.dryRun()) {
      DryRunPlan.record(run, work, cluster, database);
      return new Done(work, RunbookState.COMPLETED, "dry run: " + describePlan(work) + "; nothing was changed");
    }
    if (batched) {
      run.step("create partitions", () -> createInBatches(work, parallel), n -> n + " partitions created and analyzed");
    } else {
      run.step("create partitions", () -> create(work), n -> n + " partitions created");
      run.step("collect stats", () -> refreshStats(work), n -> n + " tables re-read");
    }
    Retirement retirement = new Retirement(run, gate, pg, cluster, database, input, parallel);
    if (input.collectsEvidence()) {
      List<ExpiredEvidence> evidence = retirement.evidence(work);
      return new Done(work, RunbookState.COMPLETED, summary(work, RunbookState.COMPLETED) + "; "
          + evidence.stream().mapToInt(e -> e.counts().size()).sum() + " expired partitions counted for the parent's"
          + " approval", evidence);
    }
    RunbookState outcome = retirement.retire(work);
    return new Done(work, outcome, summary(work, outcome));
  }

  /** The requested tables' policies; a name that is not configured (or not a name at all) is refused. */
  static List<PartitionPolicy> selected(List<PartitionPolicy> all, List<String> tables) {
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

  private int create(List<TableWork> work) {
    List<TableWork> todo = work.stream().filter(w -> !w.plan.create().isEmpty()).toList();
    List<CreatePartitionsResult> results = Waves.inParallel(todo, w -> Async.function(
        pg::createMissingPartitions, createInput(w)).handle((r, e) -> {
          if (e != null) {
            w.failed("creating partitions failed: " + Failures.describe(e));
            return null;
          }
          return r;
        }));
    int n = 0;
    for (int i = 0; i < todo.size(); i++) {
      CreatePartitionsResult r = results.get(i);
      if (r != null) {
        n += created(todo.get(i), r.created());
      }
    }
    return n;
  }

  /**
   * Batched creation: each activity creates the partitions of a batch of tables over one connection and returns
   * the new partitions' facts after their ANALYZE, so no table is read again.
   */
  private int createInBatches(List<TableWork> work, int parallel) {
    List<TableWork> todo = work.stream().filter(w -> !w.plan.create().isEmpty()).toList();
    List<TableCreated> results = Waves.inBatches(todo, parallel, b -> Async.function(
        pg::createPartitionsOfTables, new TablesInput<>(cluster, database, b.stream().map(this::createInput).toList()))
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
      n += created(w, r.created());
      w.addPartitions(r.facts());
      if (r.error() != null) {
        w.failed(r.error());
      }
    }
    return n;
  }

  private CreatePartitionsInput createInput(TableWork w) {
    return new CreatePartitionsInput(cluster, database, w.table(), w.plan.keyType(), w.plan.create(),
        LOCK_TIMEOUT_MILLIS, LOCK_ATTEMPTS);
  }

  private int created(TableWork w, List<String> names) {
    String schema = w.table().substring(0, w.table().indexOf('.') + 1);
    for (String c : names) {
      w.created.add(schema + c);
      run.change("created partition " + schema + c);
    }
    return names.size();
  }

  /** Stats after creation: tables that gained partitions are read again. */
  private int refreshStats(List<TableWork> work) {
    List<TableWork> changed = work.stream().filter(w -> !w.created.isEmpty()).toList();
    List<TableFacts> fresh = Waves.inParallel(changed, w -> Async.function(
        pg::inspectPartitionedTable, new InspectTableInput(cluster, database, w.plan.policy())));
    for (int i = 0; i < changed.size(); i++) {
      changed.get(i).facts = fresh.get(i);
    }
    return changed.size();
  }

  static String describePlan(List<TableWork> work) {
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
}
