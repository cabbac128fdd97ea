package io.pgrunbooks.workflows.pitr;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.temporal.client.WorkflowStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PointInTimeRestore {@code into: inPlace} on fakes: pg1 (the primary) taken back to the target, two approvers. */
class PointInTimeRestoreInPlaceTest {
  static final PointInTimeRestoreInput IN_PLACE = new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null,
      null, "inPlace", null, null, false, "carol", "undo the bad migration");
  private static final String CHILD = PointInTimeRestoreRuns.ID + "/rebuild-pg2";
  private static final String RESTORE = "restorePrimary 20251207-054000F time 2025-12-07 12:00:00.000000+00";

  private PointInTimeRestoreRuns runs;

  @BeforeEach
  void setUp() {
    runs = new PointInTimeRestoreRuns(TestEnvironments.newEnvironment());
    runs.approvals.approvalsNeeded = 2;
  }

  @AfterEach
  void tearDown() {
    runs.env.close();
  }

  @Test
  void twoApproversTakeTheClusterBackWithPgBouncerPausedAroundTheRestoreAndTheReplicaRebuiltOnTheirApproval() {
    PointInTimeRestoreWorkflow run = runs.start(IN_PLACE);
    String id = TestEnvironments.awaitPendingApproval(run);
    PendingApproval pending = run.progress().pendingApprovals().get(0);

    assertThat(pending.approvalsNeeded()).isEqualTo(2);
    assertThat(pending.action()).contains("take the whole cluster back to time 2025-12-07 12:00:00")
        .contains("pause PgBouncer").contains("everything written after the target is lost");
    assertThat(pending.evidence().get("lost")).contains("committed after 2025-12-07 12:00:00")
        .contains("pg1's current position 0/9000060 (timeline 00000001");
    assertThat(pending.evidence().get("replicas")).contains("pg2").contains("ReplicaRebuild");
    assertThat(pending.evidence().get("this approval also covers")).isEqualTo("ReplicaRebuild main/pg2");
    assertThat(pending.evidence().get("plan")).contains("as child runs on this approval: ReplicaRebuild main/pg2");
    assertThat(pending.evidence().get("plan")).contains("--target-action=promote --archive-mode=preserve");

    run.approve(new ApprovalSignal(id, "alice", "checked the loss", null));
    TestEnvironments.awaitTrue(() -> run.progress().approvals().size() == 1, "alice's vote is counted");
    assertThat(runs.primary.calls).isEmpty();
    run.approve(new ApprovalSignal(id, "bob", "agreed", null));
    PointInTimeRestoreResult r = WorkflowStub.fromTyped(run).getResult(PointInTimeRestoreResult.class);

    assertThat(runs.primary.calls).containsExactly("pause", "stopPrimary pg1", "moveAside", RESTORE, "resume",
        "removeOld");
    // The child rebuilt pg2 from the restored pg1 without asking anyone again.
    assertThat(runs.node.calls).containsExactly("stop", "moveAside", "baseBackup from pg1", "start", "removeOld");
    assertThat(runs.replication.rebuildCalls).containsExactly("recreateSlot pg2 on pg1", "awaitCatchUp pg2");
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.node()).isEqualTo("pg1");
    assertThat(r.report().summary()).contains("pg1 promoted on timeline 00000002").contains("PgBouncer resumed")
        .contains("replicas rebuilt on the new timeline: pg2").doesNotContain("NOT rebuilt");
    assertThat(r.report().approvals()).hasSize(2);
    assertThat(r.report().changes()).anyMatch(c -> c.contains("rebuilt pg2 from the restored primary (child "
        + CHILD + ")"));
    ReplicaRebuildResult child = runs.env.getWorkflowClient().newUntypedWorkflowStub(CHILD)
        .getResult(ReplicaRebuildResult.class);
    assertThat(child.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(child.report().approvals()).extracting(a -> a.approver() + " " + a.decision())
        .containsExactly("alice DELEGATED", "bob DELEGATED");
    assertThat(child.report().approvals().get(0).comment()).contains("approved on parent run "
        + PointInTimeRestoreRuns.ID);
  }

  @Test
  void aFailedRebuildLeavesThePrimaryRestoredAndNamesTheReplicaToRebuildByHand() {
    runs.replication.catchUpFailure = "pg2 did not catch up within 60 s";
    PointInTimeRestoreWorkflow run = startApprovedByAliceAndBob();
    // The child offers to put pg2's old data dir back (its own approval); nobody answers, it expires, the child fails.
    PointInTimeRestoreResult r = WorkflowStub.fromTyped(run).getResult(PointInTimeRestoreResult.class);

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(runs.primary.calls).containsExactly("pause", "stopPrimary pg1", "moveAside", RESTORE, "resume",
        "removeOld");
    assertThat(r.report().summary()).contains("pg1 promoted on timeline 00000002")
        .contains("NOT rebuilt (the restored primary stays, this is no rollback): pg2 (child " + CHILD + " failed")
        .contains("pg2 did not catch up within 60 s")
        .contains("to rebuild by hand: run ReplicaRebuild {\"cluster\": \"main\", \"replica\": \"pg2\"}")
        .doesNotContain("replicas rebuilt");
  }

  @Test
  void anApprovalsConfigWithOnePersonIsRefusedBeforeAnyChange() {
    runs.approvals.approvalsNeeded = 1;

    TestEnvironments.assertApplicationFailure(() -> runs.run(IN_PLACE), "BadInput",
        "into: inPlace needs two approvers: add PointInTimeRestore to approvals.twoPersonRunbooks");
    assertThat(runs.primary.calls).isEmpty();
  }

  @Test
  void aFailedRestorePutsTheOldPrimaryBackAndResumesPgBouncer() {
    runs.primaryRestorer.failure = "pgbackrest restore failed";
    PointInTimeRestoreWorkflow run = startApprovedByAliceAndBob();

    TestEnvironments.assertApplicationFailure(() -> WorkflowStub.fromTyped(run)
        .getResult(PointInTimeRestoreResult.class), "RestoreDrillFailed", "pgbackrest restore failed");
    assertThat(runs.primary.calls).containsExactly("pause", "stopPrimary pg1", "moveAside", RESTORE, "restore",
        "start", "resume");
  }

  @Test
  void aRestoreWhoseTargetIsNotProvenGoesBackToTheOldPrimary() {
    runs.primaryRestorer.recoveryStop = null;
    PointInTimeRestoreWorkflow run = startApprovedByAliceAndBob();

    TestEnvironments.assertApplicationFailure(() -> WorkflowStub.fromTyped(run)
        .getResult(PointInTimeRestoreResult.class), "SafetyRefused", "names no recovery stop point");
    assertThat(runs.primary.calls).endsWith("restore", "start", "resume").doesNotContain("removeOld");
  }

  @Test
  void aRejectionChangesNothing() {
    PointInTimeRestoreWorkflow run = runs.start(IN_PLACE);
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "copy rows instead", null));
    PointInTimeRestoreResult r = WorkflowStub.fromTyped(run).getResult(PointInTimeRestoreResult.class);

    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(runs.primary.calls).isEmpty();
  }

  @Test
  void aDryRunPlansEveryStepAndChangesNothing() {
    PointInTimeRestoreResult r = runs.run(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null, null,
        "inPlace", null, null, true, "carol", null));

    assertThat(r.report().summary()).startsWith("dry run: would take cluster main back to time");
    assertThat(String.join("\n", r.report().plan())).contains("PAUSE").contains("pg_ctl stop -m fast")
        .contains("--target-action=promote").contains("RESUME").contains("ReplicaRebuild main/pg2");
    assertThat(runs.primary.calls).isEmpty();
  }

  private PointInTimeRestoreWorkflow startApprovedByAliceAndBob() {
    PointInTimeRestoreWorkflow run = runs.start(IN_PLACE);
    String id = TestEnvironments.awaitPendingApproval(run);
    run.approve(new ApprovalSignal(id, "alice", "ok", null));
    run.approve(new ApprovalSignal(id, "bob", "ok", null));
    return run;
  }
}
