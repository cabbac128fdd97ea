package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;

/**
 * See {@link PartitionMaintenanceWorkflow}. Up to {@link TableBatches#MAX_TABLES_PER_ACTIVITY} tables run here
 * ({@link Maintenance}: decides with {@link PartitionPlanner}, retires with {@link Retirement}); more run as one
 * {@link PartitionBatchWorkflow} child per batch ({@link BatchChildren}).
 */
public class PartitionMaintenanceWorkflowImpl extends RunbookWorkflowBase implements PartitionMaintenanceWorkflow {
  /** Version of the batched shape: tables in batches per activity, batches in parallel, stats read at creation. */
  static final String BATCHED = "partition-maintenance-batched";
  static final int BATCHED_V1 = 1;
  /** Version of the batch children: a run of more tables than one activity takes runs one child per batch. */
  static final String CHILDREN = "partition-maintenance-children";
  static final int CHILDREN_V1 = 1;

  private final PostgresPartitionActivities pg = Maintenance.activities();

  @Override
  public PartitionMaintenanceResult run(PartitionMaintenanceInput input) {
    validate(input);
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    RunRecorder run = begin(WorkflowTypes.PARTITION_MAINTENANCE, cluster, cluster + "/" + database, input);
    try {
      Maintenance m = new Maintenance(run, gate(), pg, input);
      List<PartitionPolicy> policies = m.policies(false);
      Instant now = run.now();
      boolean batched = Workflow.getVersion(BATCHED, Workflow.DEFAULT_VERSION, BATCHED_V1) >= BATCHED_V1;
      int parallel = TableBatches.parallel(input.parallel());
      // Asked only for large runs, so the histories of small runs (and of runs before it) stay as they were.
      if (batched && policies.size() > TableBatches.MAX_TABLES_PER_ACTIVITY
          && Workflow.getVersion(CHILDREN, Workflow.DEFAULT_VERSION, CHILDREN_V1) >= CHILDREN_V1) {
        BatchChildren.Done done = new BatchChildren(run, gate(), pg, input, parallel).run(policies);
        return new PartitionMaintenanceResult(finish(done.outcome(), done.summary()), List.of(), done.batches());
      }
      Maintenance.Done done = m.maintain(policies, now, batched ? parallel : 0);
      return new PartitionMaintenanceResult(finish(done.outcome(), done.summary()),
          done.work().stream().map(TableWork::report).toList());
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
}
