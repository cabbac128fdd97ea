package io.pgrunbooks.workflows.pitr;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowStub;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PointInTimeRestore {@code into: node} on fakes: pg2 (a replica) replaced by the restore, paused at the target. */
class PointInTimeRestoreIntoNodeTest {
  private static final PointInTimeRestoreInput PG2 = new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null,
      null, "node", "pg2", null, false, "carol", "copy back orders");

  private PointInTimeRestoreRuns runs;

  @BeforeEach
  void setUp() {
    runs = new PointInTimeRestoreRuns(TestEnvironments.newEnvironment());
  }

  @AfterEach
  void tearDown() {
    runs.env.close();
  }

  @Test
  void anApprovedRestoreStopsTheReplicaMovesItsDataAsideRestoresPausedAtTheTargetAndRemovesTheOldDirAfterTheVerify() {
    PointInTimeRestoreWorkflow run = runs.start(PG2);
    PendingApproval pending = awaitPending(run);

    assertThat(pending.action()).contains("restore pg2 to time 2025-12-07 12:00:00")
        .contains("from backup 20251207-054000F").contains("move /data/pg2 aside").contains("stops being a replica");
    assertThat(pending.evidence()).containsKeys("node", "data dir", "backup", "target", "afterwards", "plan");
    assertThat(pending.evidence().get("data dir")).startsWith("/data/pg2 (moved to /data/pg2.rebuild-");
    assertThat(pending.evidence().get("plan")).contains("--target-action=pause").contains("--archive-mode=off");
    assertThat(runs.node.calls).isEmpty();

    PointInTimeRestoreRuns.approve(run, "alice");
    PointInTimeRestoreResult r = WorkflowStub.fromTyped(run).getResult(PointInTimeRestoreResult.class);

    assertThat(runs.node.calls).containsExactly("stop", "moveAside",
        "restoreNode 20251207-054000F time 2025-12-07 12:00:00.000000+00", "removeOld");
    assertThat(r.node()).isEqualTo("pg2");
    assertThat(r.host()).isEqualTo("10.0.0.2");
    assertThat(r.port()).isEqualTo(5432);
    assertThat(r.dataDir()).isEqualTo("/data/pg2");
    assertThat(r.reached()).contains("recovery stopping before commit of transaction 730");
    assertThat(r.oldDataDir()).isNull();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().summary()).contains("paused in recovery at the target").contains("no longer a replica")
        .contains("ReplicaRebuild {\"cluster\": \"main\", \"replica\": \"pg2\"}");
    assertThat(r.report().approvals()).singleElement().satisfies(a -> assertThat(a.toString()).contains("alice"));
  }

  @Test
  void keepOldDataDirKeepsTheMovedAsideDirectoryAndTheResultSaysWhere() {
    runs.replication.keepOld = true;
    PointInTimeRestoreWorkflow run = runs.start(PG2);
    PointInTimeRestoreRuns.approve(run, "alice");
    PointInTimeRestoreResult r = WorkflowStub.fromTyped(run).getResult(PointInTimeRestoreResult.class);

    assertThat(runs.node.calls).doesNotContain("removeOld");
    assertThat(r.oldDataDir()).startsWith("/data/pg2.rebuild-");
    assertThat(r.report().summary()).contains("old data dir kept at /data/pg2.rebuild-");
  }

  @Test
  void aFailedRestorePutsTheOldDataDirBackAndStartsTheReplicaAgain() {
    runs.restorer.failure = "the restored instance stopped before recovery reached the target";
    PointInTimeRestoreWorkflow run = runs.start(PG2);
    PointInTimeRestoreRuns.approve(run, "alice");

    TestEnvironments.assertApplicationFailure(() -> WorkflowStub.fromTyped(run)
        .getResult(PointInTimeRestoreResult.class), "RestoreDrillFailed", "stopped before recovery reached");
    assertThat(runs.node.calls).containsExactly("stop", "moveAside",
        "restoreNode 20251207-054000F time 2025-12-07 12:00:00.000000+00", "restore", "start");
    assertThat(runs.node.moved).isFalse();
  }

  @Test
  void aRestoreWhoseLogNamesNoStopPointIsNotVerifiedAndTheOldDataDirGoesBack() {
    runs.restorer.recoveryStop = null;
    PointInTimeRestoreWorkflow run = runs.start(PG2);
    PointInTimeRestoreRuns.approve(run, "alice");

    TestEnvironments.assertApplicationFailure(() -> WorkflowStub.fromTyped(run)
        .getResult(PointInTimeRestoreResult.class), "SafetyRefused", "names no recovery stop point");
    assertThat(runs.node.calls).endsWith("restore", "start").doesNotContain("removeOld");
  }

  @Test
  void aRejectedRestoreChangesNothing() {
    PointInTimeRestoreWorkflow run = runs.start(PG2);
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "not this node", null));
    PointInTimeRestoreResult r = WorkflowStub.fromTyped(run).getResult(PointInTimeRestoreResult.class);

    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.report().summary()).contains("nothing was changed");
    assertThat(runs.node.calls).isEmpty();
  }

  @Test
  void aNodeThatBecamePrimaryWhileTheApprovalWaitedIsNotTouched() {
    runs.replication.movedPrimary = "pg2";
    runs.replication.primaryMovesAfter = 1;
    PointInTimeRestoreWorkflow run = runs.start(PG2);
    PointInTimeRestoreRuns.approve(run, "alice");

    TestEnvironments.assertApplicationFailure(() -> WorkflowStub.fromTyped(run)
        .getResult(PointInTimeRestoreResult.class), "SafetyRefused", "node pg2 is the primary of cluster main");
    assertThat(runs.node.calls).isEmpty();
  }

  @Test
  void aDryRunPlansThePausedRestoreAndChangesNothing() {
    PointInTimeRestoreResult r = runs.run(new PointInTimeRestoreInput("main", null, "1/50000060", null, "node", "pg2",
        null, true, "carol", null));

    assertThat(r.report().summary()).startsWith("dry run: would restore pg2 (/data/pg2) to lsn 1/50000060");
    assertThat(String.join("\n", r.report().plan())).contains("--type=lsn --target=1/50000060 --target-action=pause")
        .contains("pg_ctl stop -m fast").contains("mv back");
    assertThat(runs.node.calls).isEmpty();
  }

  @Test
  void aTargetBeforeTheOldestBackupIsRefusedBeforeTheNodeIsAsked() {
    TestEnvironments.assertApplicationFailure(() -> runs.run(new PointInTimeRestoreInput("main",
        "2025-12-01T00:00:00Z", null, null, "node", "pg2", null, false, null, null)), "BadInput",
        "is before the oldest backup");
    assertThat(runs.node.calls).isEmpty();
  }

  private static PendingApproval awaitPending(PointInTimeRestoreWorkflow run) {
    TestEnvironments.awaitPendingApproval(run);
    List<PendingApproval> pending = run.progress().pendingApprovals();
    return pending.get(0);
  }
}
