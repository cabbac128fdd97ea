package io.pgrunbooks.workflows.partitionmaintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.KeptReports;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PartitionMaintenance of more tables than one activity takes: one batch child per batch, compact results. */
class PartitionBatchChildrenTest {
  private static final String ID = WorkflowIds.partitionMaintenance("main", "app");
  private TestWorkflowEnvironment env;

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
  }

  private PartitionMaintenanceResult run(ManyTables catalog, Integer parallel) {
    FixedApprovals approvals = new FixedApprovals();
    approvals.preApprovals = List.of(new PreApproval("drop-partitions", "main/app", "approvals.preApprovals[0]"));
    env = TestEnvironments.newEnvironment();
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class, PartitionBatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, approvals, new DroppedNotifications(), new KeptReports());
    env.start();
    return env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build())
        .run(new PartitionMaintenanceInput("main", "app", null, 2, false, "alice", "monthly", parallel));
  }

  @Test
  void moreTablesThanOneActivityTakesRunAsBatchChildrenWithNumberedIdsAndCompactResults() {
    ManyTables catalog = new ManyTables(120);
    catalog.retention = "P3M";

    PartitionMaintenanceResult r = run(catalog, 2);

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.tables()).isEmpty();
    assertThat(r.batches()).extracting(PartitionBatchResult::workflowId)
        .containsExactly(ID + "/batch-1", ID + "/batch-2", ID + "/batch-3");
    assertThat(r.batches()).flatExtracting(PartitionBatchResult::tables).hasSize(120)
        .allSatisfy(t -> {
          assertThat(t.status()).isNotEqualTo("FAILED");
          assertThat(t.retired()).isEqualTo(1);
          assertThat(t.created()).isEqualTo(t.planned()).isPositive();
        });
    assertThat(catalog.dropped).hasSize(120);
    assertThat(catalog.validated).hasSize(120);
    assertThat(r.report().summary()).contains("120 tables in 3 batches", "120 retired");
    // The parent holds summaries only: no partition facts of any table in its history.
    String parent = env.getWorkflowClient().fetchHistory(ID).toJson(false);
    assertThat(parent).doesNotContain(ManyTables.OLD_FROM).hasSizeLessThan(200_000);
    // drop-partitions is pre-approved: one round of children, each taking the pre-approval (no evidence round).
    assertThat(env.getWorkflowClient().fetchHistory(ID).getEvents()).filteredOn(
        e -> e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED).hasSize(3);
    assertThat(r.report().log()).contains("config pre-approves drop-partitions on main/app: one round of batch"
        + " children, each taking the pre-approval");
  }

  @Test
  void aBadTableInTheLastBatchFailsTheRunBeforeAnyBatchChangesAnything() {
    ManyTables catalog = new ManyTables(120);
    catalog.bad = ManyTables.table(117);

    TestEnvironments.assertApplicationFailure(() -> run(catalog, 4), FailureTypes.BAD_INPUT, "public.t117");

    assertThat(catalog.created).isEmpty();
    assertThat(catalog.dropped).isEmpty();
  }

  @Test
  void aRetentionBelowItsFloorInTheLastBatchFailsTheRunBeforeAnyBatchChangesAnything() {
    ManyTables catalog = new ManyTables(120);
    catalog.belowFloor = ManyTables.table(118);

    TestEnvironments.assertApplicationFailure(() -> run(catalog, 4), FailureTypes.BAD_INPUT,
        "public.t118: retention P1M is below the compliance floor minRetention P6M; nothing was changed");

    assertThat(catalog.created).isEmpty();
  }

  @Test
  void aTableWhoseDropsCommittedBeforeItsBatchActivityFailedIsReportedRetiredNotFailed() {
    ManyTables catalog = new ManyTables(2);
    catalog.retention = "P3M";
    catalog.dropFailsAfterCommit = true;

    PartitionMaintenanceResult r = run(catalog, 1);

    assertThat(r.tables()).extracting(TableReport::status).doesNotContain("FAILED");
    assertThat(r.tables()).flatExtracting(TableReport::retired)
        .containsExactly(ManyTables.old(ManyTables.table(1)), ManyTables.old(ManyTables.table(2)));
    assertThat(r.report().changes()).contains("dropped partition " + ManyTables.old(ManyTables.table(1)));
  }
}
