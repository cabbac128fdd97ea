package io.pgrunbooks.workflows.failoverdrill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.LockTestRuns;
import io.pgrunbooks.workflows.lock.LockTestRuns.HoldingRun;
import io.pgrunbooks.workflows.failover.FailoverFakes;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverDrillWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final FailoverFakes fakes = new FailoverFakes();

  @BeforeEach
  void setUp() {
    fakes.approvals.approvalsNeeded = 1;
    env = TestEnvironments.newEnvironment();
    client = env.getWorkflowClient();
    fakes.register(env, FailoverDrillWorkflowImpl.class, LockTestRuns.HoldingRunImpl.class);
  }

  @AfterEach
  void tearDown() {
    if (fakes.holdReplay != null) {
      fakes.holdReplay.countDown();
    }
    env.close();
  }

  @Test
  void approvedDrillSwitchesOverAndBackProvesEachPhaseAndStoresTheReport() {
    FailoverDrillWorkflow run = stub();
    CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
    awaitPending(run);
    run.approve(new ApprovalSignal(null, "alice", "go", null));

    FailoverDrillResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.outcome()).isEqualTo("PASSED");
    assertThat(r.passed()).isTrue();
    assertThat(r.phases()).extracting(DrillPhase::name).containsExactly("switchover", "switch back");
    assertThat(r.criteria()).extracting(DrillCriterion::name).containsExactly("no data loss", "no application errors",
        "recovered in under 5 minutes", "replication re-established", "row counts match the baseline",
        "result documented");
    assertThat(r.writeUnavailableMillis()).isEqualTo(800);
    assertThat(r.reportKeys()).hasSize(2);
    assertThat(fakes.calls).containsSubsequence("sentinels switchover", "pause", "stop pg1", "awaitReplayed pg2",
        "promote pg2", "awaitWritable pg2", "repoint pg2", "resume", "slot pg3 on pg2", "follow pg3 -> pg2",
        "slot pg1 on pg2", "rewind pg1 from pg2", "catchUp pg1 from pg2", "sentinels switch-back", "stop pg2",
        "promote pg1", "repoint pg1", "rewind pg2 from pg1", "catchUp pg2 from pg1");
    assertThat(fakes.calls.get(fakes.calls.size() - 1)).startsWith("storeReport ");
  }

  @Test
  void drillNotApprovedBeforeItsWindowIsSkippedAndTouchesNothing() {
    fakes.windowSeconds = 6 * 3600;

    FailoverDrillResult r = stub().run(FailoverDrillInput.of("main"));

    assertThat(r.outcome()).isEqualTo("SKIPPED");
    assertThat(r.report().outcome()).isEqualTo(RunbookState.SKIPPED);
    assertThat(r.report().summary()).contains("not approved before its window", "nothing was touched");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void drillWhoseWindowOpensInAMonthEndsAtOnceReportedAndTouchesNothing() {
    FailoverDrillWorkflow run = stub();
    CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run,
        new FailoverDrillInput("main", null, null, "P30D", "olivia", null, false));

    TestEnvironments.assertApplicationFailure(result::join, FailureTypes.BAD_INPUT,
        "more than 7 days after the run started");
    var closed = io.temporal.client.WorkflowStub.fromTyped(run).describe();
    assertThat(java.time.Duration.between(closed.getStartTime(), closed.getCloseTime()))
        .isLessThan(java.time.Duration.ofMinutes(1));
    assertThat(run.progress().pendingApprovals()).isEmpty();
    assertThat(run.progress().state()).hasToString("FAILED");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void dryRunPlansBothSwitchoversAsksNoApprovalAndTouchesNothing() {
    FailoverDrillResult r = stub().run(new FailoverDrillInput("main", null, null, null, "olivia", null, true));

    assertThat(r.outcome()).isEqualTo("DRY_RUN");
    assertThat(r.report().dryRun()).isTrue();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().summary()).contains("dry run: drill pg1 → pg2", "nothing was changed");
    assertThat(r.report().plan()).anyMatch(l -> l.startsWith("switchover pg1 → pg2"))
        .anyMatch(l -> l.startsWith("rejoin pg1 with pg_rewind")).anyMatch(l -> l.startsWith("switch back pg2 → pg1"));
    assertThat(r.report().approvals()).isEmpty();
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void rejectedDrillTouchesNothing() {
    fakes.windowSeconds = 3600;
    FailoverDrillWorkflow run = stub();
    CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
    awaitPending(run);
    run.reject(new ApprovalSignal(null, "bob", "release night", null));

    FailoverDrillResult r = result.join();
    assertThat(r.outcome()).isEqualTo("REJECTED");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void approvedDrillWaitsForItsWindowBeforeTouchingAnything() {
    fakes.windowSeconds = 3600;
    FailoverDrillWorkflow run = stub();
    CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run,
        new FailoverDrillInput("main", "pg3", false, null, null, null, false));
    awaitPending(run);
    run.approve(new ApprovalSignal(null, "alice", "go", null));
    TestEnvironments.awaitTrue(() -> run.progress().currentStep() != null
        && run.progress().currentStep().equals("wait for the drill window"), "waiting for the window");
    assertThat(fakes.calls).isEmpty();

    FailoverDrillResult r = result.join();
    assertThat(r.phases()).singleElement().satisfies(p -> assertThat(p.to()).isEqualTo("pg3"));
    assertThat(r.passed()).isTrue();
  }

  @Test
  void drillThatFailsHalfWayCompensatesAndStillStoresAFailedReport() {
    fakes.failOn = "promote pg2";
    FailoverDrillWorkflow run = stub();
    CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
    awaitPending(run);
    run.approve(new ApprovalSignal(null, "alice", "go", null));

    org.assertj.core.api.Assertions.assertThatThrownBy(result::join).rootCause()
        .hasMessageContaining("injected failure of promote pg2");
    assertThat(fakes.calls).containsSubsequence("pause", "stop pg1", "promote pg2", "resume");
    assertThat(fakes.calls.get(fakes.calls.size() - 1)).startsWith("storeReport ");
    assertThat(run.progress().state()).isEqualTo(RunbookState.FAILED);
  }

  @Test
  void drillCancelledMidSwitchoverStillCompensatesStopsTheProbeAndStoresAFailedReport() {
    // pg1 is stopped by then: the compensation's facts see it down.
    fakes.facts = List.of(FailoverFakes.switchoverFacts(), FailoverFakes.switchoverFacts(), FailoverFakes.facts(
        FailoverFakes.down("pg1"), FailoverFakes.replica("pg2", 5000, "streaming"),
        FailoverFakes.replica("pg3", 5000, "streaming")));
    fakes.holdReplay = new CountDownLatch(1);
    FailoverDrillWorkflow run = stub();
    CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
    awaitPending(run);
    run.approve(new ApprovalSignal(null, "alice", "go", null));
    TestEnvironments.awaitTrue(() -> fakes.calls.contains("awaitReplayed pg2"), "the drill waits for the final LSN");

    WorkflowStub.fromTyped(run).cancel();

    Throwable e = catchThrowable(result::join);
    assertThat(e.getCause()).isInstanceOf(WorkflowFailedException.class).hasCauseInstanceOf(CanceledFailure.class);
    assertThat(fakes.calls).containsSubsequence("pause", "stop pg1", "awaitReplayed pg2", "start pg1",
        "awaitWritable pg1", "resume", "stopProbe switchover");
    assertThat(fakes.calls.get(fakes.calls.size() - 1)).startsWith("storeReport ");
    assertThat(run.progress().state()).isEqualTo(RunbookState.FAILED);
  }

  @Test
  void secondTopologyRunIsRefusedByTheLockNamingTheHolder() {
    HoldingRun holder = client.newWorkflowStub(HoldingRun.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:pg3").build());
    WorkflowClient.start(holder::run, LockTestRuns.RunInput.holding("main", "ReplicaRebuild"));
    TestEnvironments.awaitTrue(() -> "holding".equals(holder.state()), "the holder has the lock");

    FailoverDrillWorkflow run = stub();
    CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
    awaitPending(run);
    run.approve(new ApprovalSignal(null, "alice", "go", null));
    TestEnvironments.assertApplicationFailure(result::join, FailureTypes.SAFETY_REFUSED,
        "cluster main is locked by ReplicaRebuild run replica-rebuild:main:pg3");
    assertThat(fakes.calls).isEmpty();
    holder.finish();
  }

  private FailoverDrillWorkflow stub() {
    return client.newWorkflowStub(FailoverDrillWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("failover-drill:main:" + UUID.randomUUID()).build());
  }

  private static void awaitPending(FailoverDrillWorkflow run) {
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(), "an approval is pending");
  }
}
