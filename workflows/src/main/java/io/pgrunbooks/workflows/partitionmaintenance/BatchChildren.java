package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.InspectTablesInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;

/**
 * A large run (more tables than one activity takes) as one {@link PartitionBatchWorkflow} child per batch of tables,
 * {@code parallel} children at once. Every table is validated first (its parent in the catalog, one compact answer
 * per table, and its retention against its floor), so one bad table still changes nothing; the parent then holds
 * only the children's compact summaries.
 */
final class BatchChildren {
  /** What the batches did, with the parent's outcome and one-line summary. */
  record Done(List<PartitionBatchResult> batches, RunbookState outcome, String summary) {}

  /** Change id of the one approval of a large run's whole expired set (two rounds of children, see {@link BatchApproval}). */
  static final String ONE_APPROVAL = "partition-maintenance-batch-approval";
  /** Id infix of the children that create and collect evidence (and of every child of runs before it). */
  static final String ID_BATCH = PartitionBatchWorkflow.ID_INFIX;

  private final RunRecorder run;
  private final ApprovalGate gate;
  private final PostgresPartitionActivities pg;
  private final PartitionMaintenanceInput input;
  private final int parallel;

  BatchChildren(RunRecorder run, ApprovalGate gate, PostgresPartitionActivities pg, PartitionMaintenanceInput input,
                int parallel) {
    this.run = run;
    this.gate = gate;
    this.pg = pg;
    this.input = input;
    this.parallel = parallel;
  }

  Done run(List<PartitionPolicy> policies) {
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    run.step("validate tables", () -> Waves.inBatches(policies, parallel, b -> Async.function(
            pg::validatePartitionedTables, new InspectTablesInput(cluster, database, b))),
        t -> t.size() + " range-partitioned tables validated");
    Instant now = run.now();
    for (PartitionPolicy p : policies) {
      try {
        PartitionPlanner.checkFloor(p, now);
      } catch (IllegalArgumentException e) {
        throw ApplicationFailure.newNonRetryableFailure(e.getMessage() + "; nothing was changed", FailureTypes.BAD_INPUT);
      }
    }
    List<List<PartitionPolicy>> batches = TableBatches.split(policies, parallel);
    List<PartitionBatchResult> results;
    if (!input.dryRun() && Workflow.getVersion(ONE_APPROVAL, Workflow.DEFAULT_VERSION, 1) >= 1
        && !BatchApproval.preApproved(gate, policies, cluster + "/" + database, run)) {
      results = new BatchApproval(run, gate, input, this).run(batches);
    } else {
      results = run.step("run " + batches.size() + " batches", () -> children(batches,
          java.util.stream.IntStream.rangeClosed(1, batches.size()).boxed().toList(), ID_BATCH, false, null),
          BatchChildren::describe);
    }
    for (PartitionBatchResult r : results) {
      String line = r.workflowId() + ": " + r.outcome() + ", " + r.summary();
      if (input.dryRun()) {
        run.plan(line + " (statements in that run's report)");
      } else {
        run.change(line);
      }
    }
    return new Done(results, outcome(results), (input.dryRun() ? "dry run: " : "") + describe(results)
        + (input.dryRun() ? "; nothing was changed" : ""));
  }

  /**
   * Runs one child per batch, {@code parallel} at once, with ids {@code <parent id><infix><n>} ({@code n} from
   * {@code numbers}); a child that failed is a FAILED result. {@code delegation} gives batch {@code n}'s delegated
   * approval, or is null.
   */
  List<PartitionBatchResult> children(List<List<PartitionPolicy>> batches, List<Integer> numbers, String infix,
                                      boolean evidenceOnly, java.util.function.IntFunction<DelegatedApproval> delegation) {
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    String parentId = Workflow.getInfo().getWorkflowId();
    return Waves.sliding(batches, parallel, (at, b) -> {
      int i = numbers.get(at) - 1;
      String id = parentId + infix + (i + 1);
      List<String> tables = b.stream().map(PartitionPolicy::table).toList();
      PartitionBatchWorkflow child = Workflow.newChildWorkflowStub(PartitionBatchWorkflow.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.CENTRAL).build());
      PartitionMaintenanceInput in = new PartitionMaintenanceInput(cluster, database, tables, input.premake(),
          input.dryRun(), input.requestedBy(), "batch " + (i + 1) + " of " + parentId
          + (input.reason() == null ? "" : ": " + input.reason()), 1, delegation == null ? null : delegation.apply(i + 1),
          evidenceOnly ? Boolean.TRUE : null);
      return Async.function(child::run, in).handle((r, e) -> e == null ? r
          : PartitionBatchResult.failed(id, tables, Failures.describe(e)));
    });
  }

  /** REJECTED or TIMED_OUT when a batch's drops were not approved (its expired partitions kept), else COMPLETED. */
  static RunbookState outcome(List<PartitionBatchResult> results) {
    for (RunbookState s : List.of(RunbookState.REJECTED, RunbookState.TIMED_OUT)) {
      if (results.stream().anyMatch(r -> r.outcome() == s)) {
        return s;
      }
    }
    return RunbookState.COMPLETED;
  }

  static String describe(List<PartitionBatchResult> results) {
    List<PartitionBatchResult.TableSummary> t = results.stream().flatMap(r -> r.tables().stream()).toList();
    long failed = t.stream().filter(s -> "FAILED".equals(s.status())).count();
    List<String> unapproved = results.stream().filter(r -> r.outcome() == RunbookState.REJECTED
        || r.outcome() == RunbookState.TIMED_OUT).map(r -> r.workflowId() + " " + r.outcome()).toList();
    return t.size() + " tables in " + results.size() + " batches: "
        + t.stream().mapToInt(PartitionBatchResult.TableSummary::planned).sum() + " partitions to create, "
        + t.stream().mapToInt(PartitionBatchResult.TableSummary::created).sum() + " created, "
        + t.stream().mapToInt(PartitionBatchResult.TableSummary::expired).sum() + " expired, "
        + t.stream().mapToInt(PartitionBatchResult.TableSummary::retired).sum() + " retired"
        + (failed > 0 ? ", " + failed + " tables FAILED" : "")
        + (unapproved.isEmpty() ? "" : "; drops not approved (expired partitions kept): " + String.join(", ", unapproved));
  }
}
