package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CountRowsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.DropPartitionsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.DropPartitionsResult;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableCounts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableDropped;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TablesInput;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.PlanDigest;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowStub;
import io.temporal.workflow.Workflow;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.InspectTablesInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Retires expired partitions: {@code archive: true} through one {@code ArchivePartition} child each,
 * {@code archive: false} through one approval for the whole batch, bound to the exact list (names, bounds, exact row
 * counts) and recomputed just before the drops. Since {@link RetirementPlan#VERSION} that one approval covers the
 * archives too and the children carry it ({@link ArchiveChildren}, in parallel); runs before it asked one approval
 * per archived partition in its child, one child after another.
 */
final class Retirement {
  static final String DROP_STEP = "drop-partitions";
  /** Change id of the catalog re-read after a drop activity failed as a whole (its committed drops are reported). */
  static final String DROP_RECHECK = "partition-maintenance-drop-recheck";

  private final RunRecorder run;
  private final ApprovalGate gate;
  private final PostgresPartitionActivities pg;
  private final String cluster;
  private final String database;
  private final PartitionMaintenanceInput input;
  /** Activities at once in the batched shape, 0 for the one-table-at-a-time shape of older runs. */
  private final int parallel;
  /** The evidence of the last plan shown to approvers, per table: what an approval is about. */
  private Map<TableWork, List<PartitionCount>> lastPlan = Map.of();

  Retirement(RunRecorder run, ApprovalGate gate, PostgresPartitionActivities pg, String cluster, String database,
             PartitionMaintenanceInput input, int parallel) {
    this.parallel = parallel;
    this.run = run;
    this.gate = gate;
    this.pg = pg;
    this.cluster = cluster;
    this.database = database;
    this.input = input;
  }

  /**
   * COMPLETED, or REJECTED / TIMED_OUT when the drop batch was not approved (every partition kept). Since
   * {@link RetirementPlan#VERSION}, a run with partitions to archive (or a batch child carrying its parent's
   * approval) asks one approval for archives and drops together ({@link #retireOnce}).
   */
  RunbookState retire(List<TableWork> work) {
    List<TableWork> archives = work.stream()
        .filter(w -> w.plan.policy().archive() && !w.plan.expired().isEmpty() && !w.failed).toList();
    List<TableWork> drops = work.stream()
        .filter(w -> !w.plan.policy().archive() && !w.plan.expired().isEmpty() && !w.failed).toList();
    if ((!archives.isEmpty() || input.delegatedApproval() != null)
        && Workflow.getVersion(RetirementPlan.VERSION, Workflow.DEFAULT_VERSION, 1) >= 1) {
      return retireOnce(work.stream().filter(w -> archives.contains(w) || drops.contains(w)).toList(), archives);
    }
    for (TableWork w : archives) {
      run.step("archive expired partitions of " + w.table(), () -> archive(w), n -> n + " archived and dropped");
    }
    if (drops.isEmpty()) {
      return RunbookState.COMPLETED;
    }
    ApprovalOutcome outcome = gate.approveUntilStable(DROP_STEP, () -> request(drops));
    if (!outcome.approved()) {
      drops.forEach(w -> w.skipped.add("expired partitions kept: drop batch " + outcome.describe()));
      return outcome.endState();
    }
    dropApproved(drops);
    return RunbookState.COMPLETED;
  }

  /**
   * One approval of every expired partition of {@code retiring} (archives and drops), carried by a batch child as
   * its parent's delegation when its fresh evidence is within the parent's; then the drops as before and the
   * archives as parallel children carrying the approval.
   */
  private RunbookState retireOnce(List<TableWork> retiring, List<TableWork> archives) {
    if (retiring.isEmpty()) {
      return RunbookState.COMPLETED;
    }
    int parallelArchives = ArchiveChildren.parallel(archives);
    Set<String> logged = new HashSet<>();
    Supplier<ApprovalRequest> plan = () -> {
      lastPlan = new LinkedHashMap<>();
      List<List<PartitionCount>> all = counts(retiring);
      for (int i = 0; i < retiring.size(); i++) {
        lastPlan.put(retiring.get(i), all.get(i));
      }
      List<ExpiredEvidence> tables = tableCounts();
      // The approval page shows the first partitions only; the log keeps every one (once, when it changes).
      RetirementPlan.fullList(tables).stream().filter(logged::add).forEach(run::log);
      return RetirementPlan.request(cluster, database, tables, parallelArchives);
    };
    ApprovalOutcome outcome;
    if (input.delegatedApproval() != null) {
      ApprovalRequest asked = plan.get();
      outcome = gate.request(asked, input.delegatedApproval(), RetirementPlan.items(tableCounts()));
      // The delegation was refused and a human approved here: the plan may have moved while they decided.
      if (outcome.status() == ApprovalOutcome.Status.APPROVED
          && !Objects.equals(plan.get().planDigest(), asked.planDigest())) {
        outcome = gate.approveUntilStable(asked.step(), plan);
      }
    } else {
      outcome = gate.approveUntilStable(archives.isEmpty() ? DROP_STEP : RetirementPlan.STEP, plan);
    }
    if (!outcome.approved()) {
      String why = "expired partitions kept: " + outcome.step() + " " + outcome.describe();
      retiring.forEach(w -> w.skipped.add(why));
      return outcome.endState();
    }
    dropApproved(retiring.stream().filter(w -> !archives.contains(w)).toList());
    Map<TableWork, List<PartitionCount>> toArchive = new LinkedHashMap<>();
    archives.forEach(w -> toArchive.put(w, lastPlan.getOrDefault(w, List.of())));
    ArchiveChildren.run(run, input, toArchive, outcome, parallelArchives);
    return RunbookState.COMPLETED;
  }

  /**
   * The exact evidence of every expired partition of {@code work} (tables that did not fail), for a parent's one
   * approval: what a batch child collects instead of retiring.
   */
  List<ExpiredEvidence> evidence(List<TableWork> work) {
    List<TableWork> expired = work.stream().filter(w -> !w.plan.expired().isEmpty() && !w.failed).toList();
    if (expired.isEmpty()) {
      return List.of();
    }
    List<List<PartitionCount>> all = run.step("count expired partitions", () -> counts(expired),
        c -> c.stream().mapToInt(List::size).sum() + " expired partitions counted for the parent's approval");
    List<ExpiredEvidence> out = new ArrayList<>();
    for (int i = 0; i < expired.size(); i++) {
      out.add(new ExpiredEvidence(expired.get(i).table(), expired.get(i).plan.policy().archive(), all.get(i)));
    }
    return out;
  }

  private List<ExpiredEvidence> tableCounts() {
    return lastPlan.entrySet().stream().map(e -> new ExpiredEvidence(e.getKey().table(),
        e.getKey().plan.policy().archive(), e.getValue())).toList();
  }

  /** The approved drops ({@link #lastPlan}): batched, or one activity per table in the shape of older runs. */
  private void dropApproved(List<TableWork> drops) {
    if (drops.isEmpty()) {
      return;
    }
    if (parallel > 0) {
      dropInBatches(drops);
      return;
    }
    for (TableWork w : drops) {
      List<PartitionCount> approved = lastPlan.getOrDefault(w, List.of());
      if (approved.isEmpty()) {
        continue;
      }
      try {
        DropPartitionsResult r = run.step("drop expired partitions of " + w.table(),
            () -> pg.dropExpiredPartitions(new DropPartitionsInput(cluster, database, w.table(), approved,
                Maintenance.LOCK_TIMEOUT_MILLIS, Maintenance.LOCK_ATTEMPTS)),
            d -> d.dropped().size() + " dropped" + (d.alreadyGone().isEmpty() ? "" : ", " + d.alreadyGone().size() + " already gone"));
        for (String name : r.dropped()) {
          w.retired.add(name);
          run.change("dropped partition " + name);
        }
      } catch (RuntimeException e) {
        w.failed("dropping expired partitions failed: " + Failures.describe(e));
      }
    }
  }

  /** The approved drops, a batch of tables per activity, {@link #parallel} activities at once. */
  private void dropInBatches(List<TableWork> drops) {
    List<TableWork> todo = drops.stream().filter(w -> !lastPlan.getOrDefault(w, List.of()).isEmpty()).toList();
    if (todo.isEmpty()) {
      return;
    }
    long lockTimeout = Maintenance.LOCK_TIMEOUT_MILLIS;
    int attempts = Maintenance.LOCK_ATTEMPTS;
    Set<String> batchFailed = new HashSet<>();
    List<TableDropped> results = run.step("drop expired partitions of " + todo.size() + " tables",
        () -> Waves.inBatches(todo, parallel, b -> Async.function(pg::dropPartitionsOfTables,
            new TablesInput<>(cluster, database, b.stream().map(w -> new DropPartitionsInput(cluster, database,
                w.table(), lastPlan.get(w), lockTimeout, attempts)).toList()))
            .handle((r, e) -> {
              if (e == null) {
                return r;
              }
              String why = Failures.describe(e);
              b.forEach(w -> batchFailed.add(w.table()));
              return b.stream().map(w -> new TableDropped(w.table(), List.of(), List.of(), why)).toList();
            })),
        r -> r.stream().mapToInt(d -> d.dropped().size()).sum() + " dropped, "
            + r.stream().mapToInt(d -> d.alreadyGone().size()).sum() + " already gone, "
            + r.stream().filter(d -> d.error() != null).count() + " tables failed");
    if (!batchFailed.isEmpty() && Workflow.getVersion(DROP_RECHECK, Workflow.DEFAULT_VERSION, 1) >= 1) {
      results = recheck(todo, results, batchFailed);
    }
    for (int i = 0; i < todo.size(); i++) {
      TableWork w = todo.get(i);
      TableDropped d = results.get(i);
      for (String name : d.dropped()) {
        w.retired.add(name);
        run.change("dropped partition " + name);
      }
      if (d.error() != null) {
        w.failed("dropping expired partitions failed: " + d.error());
      }
    }
  }

  /**
   * After a drop activity failed as a whole (its tables' drops may have committed before it failed), reads the
   * catalog of those tables: an approved partition that is gone was dropped by this run, and a table whose approved
   * partitions are all gone is no failure. When the catalog cannot be read, the failure stands as it was.
   */
  private List<TableDropped> recheck(List<TableWork> todo, List<TableDropped> results, Set<String> batchFailed) {
    List<TableWork> unsure = todo.stream().filter(w -> batchFailed.contains(w.table())).toList();
    List<TableFacts> facts;
    try {
      facts = run.step("re-read tables of failed drop batches", () -> Waves.inBatches(unsure, parallel,
          b -> Async.function(pg::inspectPartitionedTables, new InspectTablesInput(cluster, database,
              b.stream().map(w -> w.plan.policy()).toList()))), f -> f.size() + " tables re-read");
    } catch (RuntimeException e) {
      run.log("could not re-read the tables of failed drop batches (" + Failures.describe(e)
          + "); their drops are reported as failed, some may have committed");
      return results;
    }
    List<TableDropped> out = new ArrayList<>(results);
    for (int i = 0; i < unsure.size(); i++) {
      TableWork w = unsure.get(i);
      int at = todo.indexOf(w);
      out.set(at, DropRecheck.of(lastPlan.get(w), facts.get(i), results.get(at)));
    }
    return out;
  }

  /** Exact evidence of every table: one activity per table, or per batch of tables in the batched shape. */
  private List<List<PartitionCount>> counts(List<TableWork> drops) {
    if (parallel == 0) {
      return drops.stream().map(w -> pg.countPartitionRows(new CountRowsInput(cluster, database, w.table(),
          expiredNames(w)))).toList();
    }
    return Waves.inBatches(drops, parallel, b -> Async.function(pg::countRowsOfTables,
        new TablesInput<>(cluster, database, b.stream().map(w -> new CountRowsInput(cluster, database, w.table(),
            expiredNames(w))).toList()))).stream().map(TableCounts::counts).toList();
  }

  private static List<String> expiredNames(TableWork w) {
    return w.plan.expired().stream().map(PartitionFacts::name).toList();
  }

  private ApprovalRequest request(List<TableWork> drops) {
    Map<TableWork, List<PartitionCount>> plan = new LinkedHashMap<>();
    Map<String, String> evidence = new LinkedHashMap<>();
    List<String> digest = new ArrayList<>();
    int partitions = 0;
    List<List<PartitionCount>> all = counts(drops);
    for (int i = 0; i < drops.size(); i++) {
      TableWork w = drops.get(i);
      List<PartitionCount> counts = all.get(i);
      plan.put(w, counts);
      for (PartitionCount c : counts) {
        evidence.put(c.name(), "[" + c.from() + ", " + c.to() + "): " + c.rows() + " rows, " + c.totalBytes() + " bytes"
            + (c.sha256() == null ? "" : ", CSV SHA-256 " + c.sha256()));
        // The hash joins the digest only when present, so evidence recorded before it existed digests as it did.
        digest.add(c.name() + "|" + c.from() + "|" + c.to() + "|" + c.rows() + (c.sha256() == null ? "" : "|" + c.sha256()));
        partitions++;
      }
    }
    lastPlan = plan;
    String tables = String.join(", ", drops.stream().map(TableWork::table).toList());
    return new ApprovalRequest(DROP_STEP, "DROP TABLE " + partitions + " expired partitions of " + tables
        + " (no archive)", cluster + "/" + database, evidence, PlanDigest.of(digest), null);
  }

  private int archive(TableWork w) {
    int done = 0;
    for (PartitionFacts p : w.plan.expired()) {
      Map<String, Object> in = ArchiveChildren.input(input, p.name(), p.to(), w.plan.cutoff(), null);
      ChildWorkflowStub child = ArchiveChildren.stub(cluster, database, p.name());
      try {
        String outcome = outcome(child.execute(Map.class, in));
        if (RunbookState.COMPLETED.name().equals(outcome)) {
          w.retired.add(p.name());
          run.change("archived and dropped partition " + p.name() + " (ArchivePartition)");
          done++;
        } else {
          w.skipped.add(p.name() + ": ArchivePartition ended " + outcome + "; partition kept");
        }
      } catch (RuntimeException e) {
        w.failed(p.name() + ": ArchivePartition failed: " + Failures.describe(e));
      }
    }
    return done;
  }

  /** The child's outcome, top-level or in its {@code report}. */
  @SuppressWarnings("rawtypes")
  static String outcome(Map result) {
    if (result == null) {
      return "UNKNOWN";
    }
    Object o = result.get("outcome");
    if (o == null && result.get("report") instanceof Map report) {
      o = report.get("outcome");
    }
    return o == null ? "UNKNOWN" : o.toString();
  }
}
