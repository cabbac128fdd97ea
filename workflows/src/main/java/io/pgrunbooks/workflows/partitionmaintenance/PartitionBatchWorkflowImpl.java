package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.workflow.Workflow;

/** See {@link PartitionBatchWorkflow}: {@link Maintenance} over its batch, one activity per phase. */
public class PartitionBatchWorkflowImpl extends RunbookWorkflowBase implements PartitionBatchWorkflow {
  private final PostgresPartitionActivities pg = Maintenance.activities();

  @Override
  public PartitionBatchResult run(PartitionMaintenanceInput input) {
    String target = input.cluster().strip() + "/" + input.database().strip();
    // The batch is a PartitionMaintenance run for approvals, pre-approvals, reports and search attributes.
    RunRecorder run = begin(WorkflowTypes.PARTITION_MAINTENANCE, input.cluster().strip(), target, input);
    try {
      Maintenance m = new Maintenance(run, gate(), pg, input);
      Maintenance.Done done = m.maintain(m.policies(true), run.now(), 1);
      finish(done.outcome(), done.summary());
      return PartitionBatchResult.of(Workflow.getInfo().getWorkflowId(), done.outcome(), done.summary(), done.work(),
          done.evidence());
    } catch (RuntimeException e) {
      fail("PartitionMaintenance batch of " + target + " failed: " + Failures.describe(e));
      throw e;
    }
  }
}
