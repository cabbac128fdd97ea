package io.pgrunbooks.workflows.pitr;

import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;

/** Recorded paths of {@code PointInTimeRestore} for the replay registry. */
public final class PointInTimeRestorePaths {
  private PointInTimeRestorePaths() {}

  /** Restored to a time, kept for the whole keepFor (1 h: the default 24 h only adds progress ticks), removed. */
  public static String keptUntilTimeout(TestWorkflowEnvironment env) {
    new PointInTimeRestoreRuns(env).run(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null, null, null,
        null, "1h", false, null, null));
    return PointInTimeRestoreRuns.ID;
  }

  /** Restored to an LSN, released by a DBA before keepFor ended. */
  public static String released(TestWorkflowEnvironment env) {
    PointInTimeRestoreRuns runs = new PointInTimeRestoreRuns(env);
    runs.fakes.recoveryStop = "LOG:  recovery stopping after WAL location (LSN) \"1/50000060\"";
    PointInTimeRestoreWorkflow stub = runs.start(new PointInTimeRestoreInput("main", null, "1/50000060", null,
        "scratch", null, "2h", false, "alice", "copy back deleted orders"));
    env.sleep(Duration.ofMinutes(5));
    stub.release("bob");
    env.getWorkflowClient().newUntypedWorkflowStub(PointInTimeRestoreRuns.ID)
        .getResult(PointInTimeRestoreResult.class);
    return PointInTimeRestoreRuns.ID;
  }

  /** Recovery stopped somewhere else than the target: the run fails and the scratch instance is removed. */
  public static String targetNotReached(TestWorkflowEnvironment env) {
    PointInTimeRestoreRuns runs = new PointInTimeRestoreRuns(env);
    runs.fakes.recoveryStop = null;
    try {
      runs.run(PointInTimeRestoreInput.toTime("main", "2025-12-07T12:00:00Z"));
    } catch (RuntimeException expected) {
      // the failed run is the path
    }
    return PointInTimeRestoreRuns.ID;
  }

  public static String dryRun(TestWorkflowEnvironment env) {
    new PointInTimeRestoreRuns(env).run(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null, null,
        null, null, null, true, "alice", "plan"));
    return PointInTimeRestoreRuns.ID;
  }

  /** into: node for replica pg2, approved: stopped, moved aside, restored paused at the target, old dir removed. */
  public static String intoNodeApproved(TestWorkflowEnvironment env) {
    PointInTimeRestoreRuns runs = new PointInTimeRestoreRuns(env);
    PointInTimeRestoreWorkflow stub = runs.start(intoPg2());
    PointInTimeRestoreRuns.approve(stub, "alice");
    env.getWorkflowClient().newUntypedWorkflowStub(PointInTimeRestoreRuns.ID)
        .getResult(PointInTimeRestoreResult.class);
    return PointInTimeRestoreRuns.ID;
  }

  /** into: node whose restore failed after the move: the old data dir is put back and started; the run fails. */
  public static String intoNodePutBack(TestWorkflowEnvironment env) {
    PointInTimeRestoreRuns runs = new PointInTimeRestoreRuns(env);
    runs.restorer.failure = "the restored instance stopped before recovery reached the target";
    PointInTimeRestoreWorkflow stub = runs.start(intoPg2());
    PointInTimeRestoreRuns.approve(stub, "alice");
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(PointInTimeRestoreRuns.ID)
          .getResult(PointInTimeRestoreResult.class);
    } catch (RuntimeException expected) {
      // the failed run is the path
    }
    return PointInTimeRestoreRuns.ID;
  }

  /**
   * into: inPlace approved by alice and bob: PgBouncer paused, pg1 restored and promoted, resumed, then pg2 rebuilt
   * by the child ReplicaRebuild on that approval.
   */
  public static String inPlaceApproved(TestWorkflowEnvironment env) {
    PointInTimeRestoreRuns runs = new PointInTimeRestoreRuns(env);
    return inPlace(runs);
  }

  /** The child ReplicaRebuild of pg2 that {@link #inPlaceApproved} starts: approved by delegation, no vote. */
  public static String inPlaceRebuildChild(TestWorkflowEnvironment env) {
    inPlaceApproved(env);
    return PitrRules.rebuildChildId("main", "pg2");
  }

  /** into: inPlace whose restore failed: the old primary put back and started, PgBouncer resumed; the run fails. */
  public static String inPlacePutBack(TestWorkflowEnvironment env) {
    PointInTimeRestoreRuns runs = new PointInTimeRestoreRuns(env);
    runs.primaryRestorer.failure = "pgbackrest restore failed";
    return inPlace(runs);
  }

  private static String inPlace(PointInTimeRestoreRuns runs) {
    runs.approvals.approvalsNeeded = 2;
    PointInTimeRestoreWorkflow stub = runs.start(new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null,
        null, "inPlace", null, null, false, "carol", "undo the bad migration"));
    String id = io.pgrunbooks.workflows.replay.TestEnvironments.awaitPendingApproval(stub);
    stub.approve(new io.pgrunbooks.workflows.approval.ApprovalSignal(id, "alice", "ok", null));
    stub.approve(new io.pgrunbooks.workflows.approval.ApprovalSignal(id, "bob", "ok", null));
    try {
      runs.env.getWorkflowClient().newUntypedWorkflowStub(PointInTimeRestoreRuns.ID)
          .getResult(PointInTimeRestoreResult.class);
    } catch (RuntimeException expected) {
      // the put-back path fails on purpose
    }
    return PointInTimeRestoreRuns.ID;
  }

  private static PointInTimeRestoreInput intoPg2() {
    return new PointInTimeRestoreInput("main", "2025-12-07T12:00:00Z", null, null, "node", "pg2", null, false,
        "carol", "copy back orders");
  }
}
