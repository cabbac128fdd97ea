package io.pgrunbooks.workflows.partitionmaintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.approval.Delegation;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflow;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflowImpl;
import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.KeptReports;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: a PartitionMaintenance run asks one approval for its whole expired set (archives and drops); its
 * ArchivePartition children carry it as a delegation, run {@code archive.parallel} at once, and ask again only when
 * what they archived is not what was approved.
 */
class OneRetirementApprovalTest {
  private static final String ID = WorkflowIds.partitionMaintenance("main", "app");
  private final ManyTables catalog = new ManyTables(List.of("public.a", "public.b", "public.c", "public.d"));
  private final ArchivingTables archive = new ArchivingTables(catalog);
  private final FixedApprovals approvals = new FixedApprovals();
  private TestWorkflowEnvironment env;

  OneRetirementApprovalTest() {
    catalog.retention = "P3M";
    catalog.expiredPerTable = 2;
    catalog.archived.addAll(List.of("public.a", "public.b", "public.c"));
  }

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
  }

  private WorkflowClient start() {
    return start(catalog, archive);
  }

  private WorkflowClient start(ManyTables tables, ArchivingTables archives) {
    env = TestEnvironments.newEnvironment();
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class,
        PartitionBatchWorkflowImpl.class, ArchivePartitionWorkflowImpl.class);
    worker.registerActivitiesImplementations(tables, archives, approvals, new DroppedNotifications(), new KeptReports());
    env.newWorker(TaskQueues.HEAVY).registerActivitiesImplementations(archives);
    env.start();
    return env.getWorkflowClient();
  }

  private PartitionMaintenanceWorkflow maintenance(WorkflowClient client) {
    return client.newWorkflowStub(PartitionMaintenanceWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
  }

  private static PartitionMaintenanceInput input() {
    return new PartitionMaintenanceInput("main", "app", null, 2, false, "carol", "monthly", 2);
  }

  private static String archiveId(String partition) {
    return WorkflowIds.archivePartition("main", "app", partition);
  }

  private ArchivePartitionResult child(WorkflowClient client, String partition) {
    return client.newUntypedWorkflowStub(archiveId(partition)).getResult(ArchivePartitionResult.class);
  }

  @Test
  void threeTablesOfTwoExpiredPartitionsAreArchivedAndOneMoreTableDroppedUnderOneApproval() {
    WorkflowClient client = start();
    PartitionMaintenanceWorkflow run = maintenance(client);
    CompletableFuture<PartitionMaintenanceResult> result = WorkflowClient.execute(run::run, input());

    String requestId = TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals();
    assertThat(pending).hasSize(1);
    assertThat(requestId).startsWith(RetirementPlan.STEP);
    assertThat(pending.get(0).evidence()).hasSize(8).containsKey("public.a_2000_01")
        .containsKey("public.d_2000_02");
    assertThat(pending.get(0).evidence().get("public.b_2000_02")).contains("10 rows (exact)", "CSV SHA-256 "
        + ManyTables.sha("public.b_2000_02", 10), "archive to S3, verify, then drop");
    assertThat(pending.get(0).evidence().get("public.d_2000_01")).contains("drop (no archive)");
    run.approve(new ApprovalSignal(requestId, "alice", "the month's set", null));
    PartitionMaintenanceResult r = result.join();

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(catalog.dropped).hasSize(8);
    assertThat(r.report().approvals()).extracting(ApprovalRecord::decision).containsExactly("APPROVED");
    assertThat(r.tables()).flatExtracting(TableReport::retired).hasSize(8);
    for (String t : List.of("public.a", "public.b", "public.c")) {
      for (int m = 1; m <= 2; m++) {
        ArchivePartitionResult c = child(client, ManyTables.old(t, m));
        assertThat(c.report().outcome()).isEqualTo(RunbookState.COMPLETED);
        assertThat(c.report().approvals()).singleElement().satisfies(a -> {
          assertThat(a.decision()).isEqualTo("DELEGATED");
          assertThat(a.approver()).isEqualTo("alice");
          assertThat(a.comment()).contains("approved on parent run " + ID);
        });
      }
    }
  }

  @Test
  void sixtyTablesInBatchesAskOneApprovalInTheParentAndTheirBatchesAndArchivesCarryIt() {
    ManyTables many = new ManyTables(60);
    many.retention = "P3M";
    many.archived.addAll(List.of(ManyTables.table(1), ManyTables.table(2), ManyTables.table(59)));
    WorkflowClient client = start(many, new ArchivingTables(many));
    PartitionMaintenanceWorkflow run = maintenance(client);
    CompletableFuture<PartitionMaintenanceResult> result = WorkflowClient.execute(run::run, input());

    String requestId = TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.action()).contains("ARCHIVE to S3, verify and DROP 3 expired partitions",
        "DROP TABLE 57 expired partitions (no archive)", "of 60 tables");
    assertThat(pending.evidence()).hasSize(RetirementPlan.SHOWN + 1)
        .containsEntry("and 20 more partitions", "200 rows (exact), 327680 bytes in total; each one with its bounds,"
            + " rows and CSV SHA-256 is in this run's log (details)");
    run.approve(new ApprovalSignal(requestId, "alice", "the month's set", null));
    PartitionMaintenanceResult r = result.join();

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(many.dropped).hasSize(60);
    assertThat(r.report().approvals()).extracting(ApprovalRecord::decision).containsExactly("APPROVED");
    assertThat(r.report().log()).anyMatch(l -> l.contains("evidence public.t60_2000_01 [2000-01-01T00:00:00Z"));
    assertThat(r.batches()).flatExtracting(PartitionBatchResult::tables).hasSize(60)
        .allSatisfy(t -> assertThat(t.retired()).isEqualTo(1));
    PartitionBatchWorkflow retire1 = client.newWorkflowStub(PartitionBatchWorkflow.class,
        ID + BatchApproval.RETIRE_INFIX + 1);
    assertThat(retire1.progress().approvals()).extracting(ApprovalRecord::decision).containsOnly("DELEGATED");
    ArchivePartitionResult archived = child(client, ManyTables.old(ManyTables.table(59)));
    assertThat(archived.report().approvals()).singleElement().satisfies(a -> {
      assertThat(a.decision()).isEqualTo("DELEGATED");
      assertThat(a.approver()).isEqualTo("alice");
    });
  }

  @Test
  void aBatchWhosePartitionGainedRowsAfterTheParentsApprovalAsksItsOwnApprovalWithTheNewCount() {
    ManyTables many = new ManyTables(60);
    many.retention = "P3M";
    String grown = ManyTables.old(ManyTables.table(7));
    many.growAfterFirstCount.add(grown);
    WorkflowClient client = start(many, new ArchivingTables(many));
    PartitionMaintenanceWorkflow run = maintenance(client);
    CompletableFuture<PartitionMaintenanceResult> result = WorkflowClient.execute(run::run, input());
    String parentRequest = TestEnvironments.awaitPendingApproval(run);
    assertThat(run.progress().pendingApprovals().get(0).evidence().get(grown)).contains("10 rows (exact)");
    run.approve(new ApprovalSignal(parentRequest, "bob", "the month's drops", null));

    // 15 rows are not the 10 the parent's approval showed: batch 1 asks a human, batch 2 goes on.
    PartitionBatchWorkflow retire1 = client.newWorkflowStub(PartitionBatchWorkflow.class,
        ID + BatchApproval.RETIRE_INFIX + 1);
    String requestId = TestEnvironments.awaitPendingApproval(retire1);
    assertThat(retire1.progress().pendingApprovals().get(0).evidence().get(grown)).contains("15 rows (exact)");
    assertThat(retire1.progress().approvals()).extracting(ApprovalRecord::decision).contains("DELEGATION_REFUSED");
    assertThat(many.dropped).doesNotContain(grown);
    retire1.approve(new ApprovalSignal(requestId, "alice", "15 rows are fine", null));
    PartitionMaintenanceResult r = result.join();

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(many.dropped).hasSize(60).contains(grown);
    assertThat(retire1.progress().approvals()).extracting(ApprovalRecord::decision)
        .containsExactly("DELEGATION_REFUSED", "APPROVED");
    PartitionBatchWorkflow retire2 = client.newWorkflowStub(PartitionBatchWorkflow.class,
        ID + BatchApproval.RETIRE_INFIX + 2);
    assertThat(retire2.progress().approvals()).extracting(ApprovalRecord::decision).containsOnly("DELEGATED");
  }

  @Test
  void aPartitionThatGainedRowsAfterTheEvidenceIsReaskedInItsChildAndKeptWhenRejected() {
    String grown = ManyTables.old("public.b", 1);
    archive.growBeforeExport.add(grown);
    approvals.preApprovals = List.of(new PreApproval(RetirementPlan.STEP, "main/app", "approvals.preApprovals[0]"));
    WorkflowClient client = start();
    CompletableFuture<PartitionMaintenanceResult> result = WorkflowClient.execute(maintenance(client)::run, input());

    ArchivePartitionWorkflow child = client.newWorkflowStub(ArchivePartitionWorkflow.class, archiveId(grown));
    String requestId = TestEnvironments.awaitPendingApproval(child);
    assertThat(child.progress().pendingApprovals().get(0).evidence()).containsEntry("rows", "15");
    child.reject(new ApprovalSignal(requestId, "bob", "15 rows were not approved", null));
    PartitionMaintenanceResult r = result.join();

    assertThat(catalog.dropped).hasSize(7).doesNotContain(grown);
    assertThat(archive.calls).contains("attach " + grown);
    ArchivePartitionResult c = child(client, grown);
    assertThat(c.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(c.report().approvals()).extracting(ApprovalRecord::decision)
        .containsExactly("DELEGATION_REFUSED", "REJECTED");
    assertThat(c.report().approvals().get(0).comment()).contains("not in the plan approved on the parent");
    assertThat(r.tables()).filteredOn(t -> t.table().equals("public.b")).singleElement()
        .satisfies(t -> assertThat(t.skipped()).anyMatch(s -> s.contains(grown + ": ArchivePartition ended REJECTED")));
  }

  @Test
  void aDelegationForgedByAClientStillWaitsForAHuman() {
    String partition = ManyTables.old("public.a", 1);
    List<String> scope = List.of(ArchivePartitionInput.scopeItem(partition, 10, ManyTables.sha(partition, 10)));
    DelegatedApproval forged = new DelegatedApproval(ID, "run-1", WorkflowTypes.PARTITION_MAINTENANCE, "retire-1",
        ArchivePartitionWorkflowImpl.DROP_STEP, scope, Delegation.digest(ArchivePartitionWorkflowImpl.DROP_STEP, scope),
        List.of("alice"));
    WorkflowClient client = start();
    ArchivePartitionWorkflow run = client.newWorkflowStub(ArchivePartitionWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(archiveId(partition)).build());
    CompletableFuture<ArchivePartitionResult> result = WorkflowClient.execute(run::run, new ArchivePartitionInput(
        "main", "app", partition, null, false, null, false, "mallory", "forged", forged));

    String requestId = TestEnvironments.awaitPendingApproval(run);
    assertThat(catalog.dropped).isEmpty();
    run.reject(new ApprovalSignal(requestId, "bob", "nobody approved this", null));

    ArchivePartitionResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.report().approvals().get(0).decision()).isEqualTo("DELEGATION_REFUSED");
    assertThat(r.report().approvals().get(0).comment()).contains("not started by a parent workflow");
    assertThat(catalog.dropped).isEmpty();
  }

  @Test
  void archiveChildrenRunAtMostArchiveParallelAtOnce() {
    catalog.archiveParallel = 2;
    archive.awaitConcurrent = 2;
    approvals.preApprovals = List.of(new PreApproval(RetirementPlan.STEP, "main/app", "approvals.preApprovals[0]"));
    WorkflowClient client = start();

    PartitionMaintenanceResult r = maintenance(client).run(input());

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(catalog.dropped).hasSize(8);
    assertThat(archive.mostAtOnce.get()).isEqualTo(2);
    assertThat(r.report().steps()).anyMatch(s -> s.name().equals("archive 6 expired partitions, 2 at once"));
  }
}
