package io.pgrunbooks.workflows.failover;

import static io.pgrunbooks.workflows.failover.FailoverFakes.down;
import static io.pgrunbooks.workflows.failover.FailoverFakes.facts;
import static io.pgrunbooks.workflows.failover.FailoverFakes.primary;
import static io.pgrunbooks.workflows.failover.FailoverFakes.replica;
import static io.pgrunbooks.workflows.failover.FailoverFakes.switchoverFacts;
import static io.pgrunbooks.workflows.failover.FailoverFakes.approveTwice;
import static io.pgrunbooks.workflows.failover.FailoverFakes.awaitPending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.LockTestRuns;
import io.pgrunbooks.workflows.lock.LockTestRuns.HoldingRun;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final FailoverFakes fakes = new FailoverFakes();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = env.getWorkflowClient();
    fakes.register(env, FailoverWorkflowImpl.class, LockTestRuns.HoldingRunImpl.class);
  }

  @AfterEach
  void tearDown() {
    if (fakes.holdReplay != null) {
      fakes.holdReplay.countDown();
    }
    env.close();
  }

  @Test
  void switchoverNeedsTwoDistinctApproversThenRunsEveryStepInOrder() {
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    PendingApproval pending = awaitPending(run);
    assertThat(pending.evidence().get("possible data loss")).isEqualTo("0 bytes");
    run.approve(new ApprovalSignal(pending.requestId(), "alice", "go", null));
    run.approve(new ApprovalSignal(pending.requestId(), "alice", "again", null));
    TestEnvironments.awaitTrue(() -> run.progress().pendingApprovals().get(0).approvedBy().equals(List.of("alice")),
        "alice counted once");
    assertThat(fakes.calls).isEmpty();
    run.approve(new ApprovalSignal(pending.requestId(), "bob", "go", null));

    FailoverResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.mode()).isEqualTo("switchover");
    assertThat(r.primaryNow()).isEqualTo("pg2");
    assertThat(fakes.calls).containsExactly("pause", "stop pg1", "awaitReplayed pg2", "promote pg2",
        "awaitWritable pg2", "repoint pg2", "resume", "slot pg3 on pg2", "follow pg3 -> pg2", "checkThroughBouncer");
  }

  @Test
  void rejectionLeavesTheTopologyUntouched() {
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    awaitPending(run);
    run.reject(new ApprovalSignal(null, "bob", "not now", null));

    FailoverResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.report().summary()).contains("nothing was changed");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void unansweredApprovalTimesOutAndChangesNothing() {
    FailoverResult r = stub().run(FailoverInput.of("main", "pg2", "test"));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.TIMED_OUT);
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void unreachablePrimaryIsFencedThenTheCandidatePromotedAndTheLossIsInTheRequest() {
    fakes.facts = List.of(facts(down("pg1"), replica("pg2", 4000, null), replica("pg3", 4500, null)));
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    PendingApproval pending = awaitPending(run);
    assertThat(pending.action()).contains("failover: promote pg2 in place of pg1, possible data loss 500 bytes");
    approveTwice(run, pending);

    FailoverResult r = result.join();
    assertThat(r.mode()).isEqualTo("failover");
    assertThat(r.possibleLossBytes()).isEqualTo(500);
    assertThat(r.fenceConfirmed()).isTrue();
    assertThat(fakes.calls).startsWith("pause", "fence pg1", "promote pg2", "awaitWritable pg2", "repoint pg2", "resume");
  }

  @Test
  void fenceWhoseAgentSaysPostgresStillRunsRefusesThePromotionAndResumesPgBouncer() {
    fakes.facts = List.of(facts(down("pg1"), replica("pg2", 4000, null), replica("pg3", 4000, null)));
    fakes.fenceConfirms = false;
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    approveTwice(run, awaitPending(run));

    TestEnvironments.assertApplicationFailure(result::join, FailureTypes.SAFETY_REFUSED,
        "pg1 still runs after the fence (PostgreSQL on pg1 STILL RUNS");
    assertThat(fakes.calls).doesNotContain("promote pg2").containsSubsequence("pause", "fence pg1", "resume");
    assertThat(run.progress().state()).isEqualTo(RunbookState.FAILED);
  }

  /** The agent could not be reached (the activity threw): its host may be gone with it, so the promotion goes ahead. */
  @Test
  void fenceThatCannotBeConfirmedIsReportedAndThePromotionGoesAhead() {
    fakes.facts = List.of(facts(down("pg1"), replica("pg2", 4000, null), replica("pg3", 4000, null)));
    fakes.failOn = "fence pg1";
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    approveTwice(run, awaitPending(run));

    FailoverResult r = result.join();
    assertThat(r.fenceConfirmed()).isFalse();
    assertThat(r.report().summary()).contains("fence of pg1 NOT confirmed");
    assertThat(fakes.calls).contains("promote pg2");
  }

  @Test
  void lossThatGrewBeforeThePromotionNeedsANewApproval() {
    fakes.facts = List.of(facts(down("pg1"), replica("pg2", 4000, null), replica("pg3", 4500, null)),
        facts(down("pg1"), replica("pg2", 4000, null), replica("pg3", 4500, null)),
        facts(down("pg1"), replica("pg2", 4000, null), replica("pg3", 4900, null)));
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    approveTwice(run, awaitPending(run));
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty()
        && run.progress().pendingApprovals().get(0).action().contains("900 bytes"), "re-approval of 900 bytes");
    assertThat(fakes.calls).containsExactly("pause", "fence pg1");
    approveTwice(run, run.progress().pendingApprovals().get(0));

    FailoverResult r = result.join();
    assertThat(r.possibleLossBytes()).isEqualTo(900);
    assertThat(fakes.calls).contains("promote pg2");
  }

  @Test
  void failedPromotionAfterThePauseLeavesTheOldPrimaryWritableAndPgBouncerResumed() {
    fakes.failOn = "promote pg2";
    fakes.afterPromote = facts(down("pg1"), down("pg2"), replica("pg3", 5000, null));
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    approveTwice(run, awaitPending(run));

    assertThatThrownBy(result::join).rootCause().hasMessageContaining("injected failure of promote pg2");
    assertThat(fakes.calls).containsExactly("pause", "stop pg1", "awaitReplayed pg2", "promote pg2", "fence pg2",
        "start pg1", "awaitWritable pg1", "resume");
    assertThat(run.progress().log()).anyMatch(l -> l.contains("pg1 is primary now, PgBouncer resumed"));
    assertThat(run.progress().state()).isEqualTo(RunbookState.FAILED);
  }

  @Test
  void failedPromotionOfACandidateStillInRecoveryFencesItBeforeTheOldPrimaryRestarts() {
    // A promotion in flight could complete after pg1 is back: two primaries.
    fakes.failOn = "promote pg2";
    fakes.afterPromote = facts(down("pg1"), replica("pg2", 5000, "streaming"), replica("pg3", 5000, null));
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    approveTwice(run, awaitPending(run));

    assertThatThrownBy(result::join).rootCause().hasMessageContaining("injected failure of promote pg2");
    assertThat(fakes.calls).containsExactly("pause", "stop pg1", "awaitReplayed pg2", "promote pg2", "fence pg2",
        "start pg1", "awaitWritable pg1", "resume");
  }

  @Test
  void runCancelledWhileWaitingForTheFinalLsnStillRestartsTheOldPrimaryAndResumesPgBouncer() {
    // pg1 is stopped by then: the compensation's facts see it down.
    fakes.facts = List.of(switchoverFacts(), switchoverFacts(),
        facts(down("pg1"), replica("pg2", 5000, "streaming"), replica("pg3", 5000, "streaming")));
    fakes.holdReplay = new CountDownLatch(1);
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    approveTwice(run, awaitPending(run));
    TestEnvironments.awaitTrue(() -> fakes.calls.contains("awaitReplayed pg2"), "the run waits for the final LSN");

    WorkflowStub.fromTyped(run).cancel();

    Throwable e = catchThrowable(result::join);
    assertThat(e.getCause()).isInstanceOf(WorkflowFailedException.class).hasCauseInstanceOf(CanceledFailure.class);
    assertThat(fakes.calls).containsExactly("pause", "stop pg1", "awaitReplayed pg2", "start pg1", "awaitWritable pg1",
        "resume");
    assertThat(run.progress().state()).isEqualTo(RunbookState.FAILED);
    assertThat(run.progress().log()).anyMatch(l -> l.contains("pg1 is primary now, PgBouncer resumed"));
  }

  @Test
  void secondTopologyRunIsRefusedByTheLockNamingTheHolder() {
    HoldingRun holder = client.newWorkflowStub(HoldingRun.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:pg3").build());
    WorkflowClient.start(holder::run, LockTestRuns.RunInput.holding("main", "ReplicaRebuild"));
    TestEnvironments.awaitTrue(() -> "holding".equals(holder.state()), "the holder has the lock");

    TestEnvironments.assertApplicationFailure(() -> stub().run(FailoverInput.of("main", "pg2", "test")),
        FailureTypes.SAFETY_REFUSED, "cluster main is locked by ReplicaRebuild run replica-rebuild:main:pg3");
    assertThat(fakes.calls).isEmpty();
    holder.finish();
  }

  @Test
  void promotingThePrimaryOrALaggingReplicaIsRefusedBeforeAnything() {
    TestEnvironments.assertApplicationFailure(() -> stub().run(FailoverInput.of("main", "pg1", "test")), FailureTypes.SAFETY_REFUSED,
        "pg1 is already the primary");
    fakes.facts = List.of(facts(primary("pg1"), replica("pg2", 5000, "catchup"), replica("pg3", 5000, "streaming")));
    TestEnvironments.assertApplicationFailure(() -> stub().run(FailoverInput.of("main", "pg2", "test")), FailureTypes.SAFETY_REFUSED,
        "not streaming");
    TestEnvironments.assertApplicationFailure(() -> stub().run(new FailoverInput("main", "pg2", false, null, null, false)),
        FailureTypes.BAD_INPUT, "a reason");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void dryRunReturnsThePlanAndChangesNothing() {
    FailoverResult r = stub().run(new FailoverInput("main", "pg2", false, "test", "alice", true));

    assertThat(r.report().plan()).first().asString().contains("PAUSE");
    assertThat(String.join("\n", r.report().plan())).contains("pg_ctl promote", "RESUME");
    assertThat(fakes.calls).isEmpty();
  }

  private FailoverWorkflow stub() {
    return FailoverFakes.newRun(client);
  }
}
