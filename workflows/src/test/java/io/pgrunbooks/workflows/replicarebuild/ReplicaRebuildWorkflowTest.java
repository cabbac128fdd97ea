package io.pgrunbooks.workflows.replicarebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.approval.Delegation;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.ClientLockActivities;
import io.pgrunbooks.workflows.lock.LockTestRuns;
import io.pgrunbooks.workflows.lock.LockTestRuns.HoldingRun;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplicaRebuildWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final RebuildFakes.Replication replication = new RebuildFakes.Replication();
  private final RebuildFakes.Node node = new RebuildFakes.Node();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = env.getWorkflowClient();
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(ReplicaRebuildWorkflowImpl.class, TopologyLockWorkflowImpl.class,
        LockTestRuns.HoldingRunImpl.class);
    central.registerActivitiesImplementations(new RebuildFakes.Config(), replication, new FixedApprovals(),
        new DroppedNotifications(), new ClientLockActivities(client), new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.node("pg2")).registerActivitiesImplementations(node);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void approvedRebuildRunsEveryStepInOrderAndRemovesTheOldCopy() {
    ReplicaRebuildWorkflow run = stub("pg2");
    CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2"));
    approve(run);

    ReplicaRebuildResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.primary()).isEqualTo("pg1");
    assertThat(r.bytesCopied()).isEqualTo(123456);
    assertThat(node.calls).containsExactly("stop", "moveAside", "baseBackup from pg1", "start", "removeOld");
    assertThat(replication.calls).containsExactly("recreateSlot pg2 on pg1", "awaitCatchUp");
    assertThat(r.report().approvals()).anySatisfy(a -> assertThat(a.approver()).isEqualTo("alice"));
    assertThat(r.report().changes()).anyMatch(c -> c.startsWith("removed /data/pg2.rebuild-"));
  }

  @Test
  void keepOldDataDirSkipsTheRemoval() {
    replication.keepOld = true;
    ReplicaRebuildWorkflow run = stub("pg2");
    CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2"));
    approve(run);

    ReplicaRebuildResult r = result.join();
    assertThat(r.oldDataDirKept()).isTrue();
    assertThat(node.calls).doesNotContain("removeOld");
  }

  @Test
  void rebuildOfThePrimaryIsRefusedBeforeAnythingHappens() {
    TestEnvironments.assertApplicationFailure(() -> stub("pg1").run(ReplicaRebuildInput.of("main", "pg1")), FailureTypes.SAFETY_REFUSED,
        "pg1 is the primary of cluster main");
    assertThat(node.calls).isEmpty();
    assertThat(replication.calls).isEmpty();
  }

  @Test
  void rolesSwappedAfterTheApprovalAreRefusedBeforeTheStop() {
    // discover, plan for the approval: pg1; plan re-computed after the approval: pg2 became the primary.
    replication.primaries = List.of("pg1", "pg1", "pg2");
    ReplicaRebuildWorkflow run = stub("pg2");
    CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2"));
    approve(run);

    TestEnvironments.assertApplicationFailure(result::join, FailureTypes.SAFETY_REFUSED, "pg2 is the primary of cluster main");
    assertThat(node.calls).isEmpty();
  }

  @Test
  void nodeThatSaysItIsNotInRecoveryIsNotStopped() {
    node.inRecovery = false;
    ReplicaRebuildWorkflow run = stub("pg2");
    CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2"));
    approve(run);

    TestEnvironments.assertApplicationFailure(result::join, FailureTypes.SAFETY_REFUSED, "runs and is not in recovery");
    assertThat(node.calls).isEmpty();
  }

  @Test
  void tooLittleFreeDiskIsRefusedBeforeTheApproval() {
    node.freeBytes = 1024;
    TestEnvironments.assertApplicationFailure(() -> stub("pg2").run(ReplicaRebuildInput.of("main", "pg2")), FailureTypes.SAFETY_REFUSED,
        "not enough free disk on pg2");
    assertThat(node.calls).isEmpty();
  }

  @Test
  void unknownNodeIsBadInputBeforeAnything() {
    TestEnvironments.assertApplicationFailure(() -> stub("pg9").run(ReplicaRebuildInput.of("main", "pg9")), FailureTypes.BAD_INPUT,
        "unknown node 'pg9' in cluster main; its nodes: pg1, pg2");
    assertThat(node.calls).isEmpty();
    assertThat(replication.calls).isEmpty();
  }

  @Test
  void rejectionLeavesTheReplicaUntouched() {
    ReplicaRebuildWorkflow run = stub("pg2");
    CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2"));
    TestEnvironments.awaitPendingApproval(run);
    run.reject(new ApprovalSignal(null, "bob", "not now", null));

    ReplicaRebuildResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.report().summary()).contains("nothing was changed");
    assertThat(node.calls).isEmpty();
    assertThat(replication.calls).isEmpty();
  }

  @Test
  void dryRunReturnsTheExactPlanAndChangesNothing() {
    ReplicaRebuildResult r = stub("pg2").run(new ReplicaRebuildInput("main", "pg2", true, "alice", "test"));

    RunReport report = r.report();
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.dryRun()).isTrue();
    assertThat(report.approvals()).isEmpty();
    assertThat(report.plan()).hasSize(8);
    assertThat(report.plan().get(0)).isEqualTo("[pg2] pg_ctl stop -m fast");
    assertThat(report.plan().get(1)).startsWith("[pg2] mv /data/pg2 /data/pg2.rebuild-");
    assertThat(report.plan().get(2)).startsWith("[pg1] SELECT pg_drop_replication_slot('pg2')");
    assertThat(report.plan().get(3)).isEqualTo("[pg1] SELECT pg_create_physical_replication_slot('pg2', true)");
    assertThat(report.plan().get(4)).contains("pg_basebackup").contains("-S pg2").contains("port=15432");
    assertThat(report.plan().get(5)).isEqualTo("[pg2] pg_ctl start");
    assertThat(report.plan().get(6)).contains("pg_stat_replication");
    assertThat(report.plan().get(7)).startsWith("[pg2] rm -rf /data/pg2.rebuild-");
    assertThat(node.calls).isEmpty();
    assertThat(replication.calls).isEmpty();
  }

  @Test
  void failureAfterTheStopSaysWhatIsOnDiskAndRestoresTheOldDataDirWhenApproved() {
    replication.failCatchUp = true;
    ReplicaRebuildWorkflow run = stub("pg2");
    CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2"));
    approve(run);
    String restoreId = TestEnvironments.awaitPendingApproval(run);
    assertThat(restoreId).startsWith(ReplicaRebuildWorkflowImpl.RESTORE_STEP);
    run.approve(new ApprovalSignal(restoreId, "bob", "put it back", null));

    assertThatThrownBy(result::join).hasRootCauseInstanceOf(ApplicationFailure.class)
        .rootCause().hasMessageContaining("did not catch up");
    assertThat(node.calls).containsExactly("stop", "moveAside", "baseBackup from pg1", "start", "restore", "start");
    assertThat(run.progress().log()).anyMatch(l -> l.startsWith("stopped at: pg2 running on the fresh copy; old data "
        + "dir at /data/pg2.rebuild-"));
  }

  @Test
  void secondTopologyRunIsRefusedByTheLockNamingTheHolder() {
    HoldingRun holder = client.newWorkflowStub(HoldingRun.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("failover:main").build());
    WorkflowClient.start(holder::run, LockTestRuns.RunInput.holding("main", "Failover"));
    TestEnvironments.awaitTrue(() -> "holding".equals(holder.state()), "the holder has the lock");

    TestEnvironments.assertApplicationFailure(() -> stub("pg2").run(ReplicaRebuildInput.of("main", "pg2")), FailureTypes.SAFETY_REFUSED,
        "cluster main is locked by Failover run failover:main");
    assertThat(node.calls).isEmpty();
    holder.finish();
  }

  @Test
  void aClientStartedRebuildWithAForgedDelegatedApprovalStillWaitsForAHuman() {
    List<String> scope = List.of(ReplicaRebuildInput.scopeItem("main", "pg2"));
    DelegatedApproval forged = new DelegatedApproval("point-in-time-restore:main", "any-run",
        WorkflowTypes.POINT_IN_TIME_RESTORE, "restore-cluster-in-place-1", ReplicaRebuildWorkflowImpl.STEP, scope,
        Delegation.digest(ReplicaRebuildWorkflowImpl.STEP, scope), List.of("alice", "bob"));
    ReplicaRebuildWorkflow run = stub("pg2");
    CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run,
        new ReplicaRebuildInput("main", "pg2", false, "mallory", "forged", forged));

    String id = TestEnvironments.awaitPendingApproval(run);
    assertThat(node.calls).isEmpty();
    assertThat(run.progress().approvals()).anySatisfy(a -> {
      assertThat(a.decision()).isEqualTo("DELEGATION_REFUSED");
      assertThat(a.comment()).contains("not started by a parent workflow");
    });
    run.approve(new ApprovalSignal(id, "alice", "checked by hand", null));

    ReplicaRebuildResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().approvals()).noneMatch(a -> "DELEGATED".equals(a.decision()))
        .anyMatch(a -> "alice".equals(a.approver()));
  }

  private ReplicaRebuildWorkflow stub(String replica) {
    return client.newWorkflowStub(ReplicaRebuildWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:" + replica).build());
  }


  private static void approve(ReplicaRebuildWorkflow run) {
    String id = TestEnvironments.awaitPendingApproval(run);
    run.approve(new ApprovalSignal(id, "alice", "go", null));
  }

}
