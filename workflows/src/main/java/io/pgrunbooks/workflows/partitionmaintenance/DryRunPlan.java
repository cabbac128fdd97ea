package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.NewPartition;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.common.WorkflowTypes;

/** The statements (and child runs) a real run would issue, in order, rendered by {@link PartitionSql}. */
final class DryRunPlan {
  private DryRunPlan() {}

  static void record(RunRecorder run, Iterable<TableWork> work, String cluster, String database) {
    for (TableWork w : work) {
      for (NewPartition p : w.plan.create()) {
        run.plan(PartitionSql.create(w.table(), w.plan.keyType(), p.name(), p.from(), p.to()));
      }
    }
    for (TableWork w : work) {
      for (PartitionFacts p : w.plan.expired()) {
        if (w.plan.policy().archive()) {
          run.plan("start child workflow " + WorkflowTypes.ARCHIVE_PARTITION + " id "
              + WorkflowIds.archivePartition(cluster, database, p.name()) + " (archive to S3, verify, then drop)");
        } else {
          run.plan(PartitionSql.drop(p.name()) + " -- after one approval of the drop batch");
        }
      }
    }
  }
}
