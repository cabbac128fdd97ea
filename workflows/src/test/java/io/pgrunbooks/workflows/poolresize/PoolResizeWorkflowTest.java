package io.pgrunbooks.workflows.poolresize;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.Pool;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PoolResize's decisions with mocked activities. */
class PoolResizeWorkflowTest {
  private TestWorkflowEnvironment env;
  private final PoolFakes fakes = new PoolFakes();
  private PoolResizeWorkflow run;

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    run = fakes.start(env);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void approvedResizeIsRevertedByTheDurableTimer() {
    CompletableFuture<PoolResizeResult> done = WorkflowClient.execute(run::run, PoolFakes.input(40, "2h", false));
    String id = TestEnvironments.awaitPendingApproval(run);
    var evidence = run.progress().pendingApprovals().get(0).evidence();
    assertThat(evidence).containsEntry("current pool_size", "20").containsEntry("proposed pool_size", "40")
        .containsEntry("clients waiting (cl_waiting)", "7");
    assertThat(evidence.get("headroom")).isEqualTo("max_connections 100 - superuser_reserved_connections 3 - "
        + "max_wal_senders 10 - other pools 35 [reports=30+5] = 52");
    run.approve(new ApprovalSignal(id, "bob", "ok", null));

    PoolResizeResult r = done.join();
    assertThat(fakes.resizes).containsExactly("app 40/null", "app 20/null");
    assertThat(r.reverted()).isTrue();
    assertThat(r.previousPoolSize()).isEqualTo(20);
    assertThat(r.report().summary()).contains("reverted to 20 after PT2H");
  }

  @Test
  void revertWaitsForItsTimer() {
    WorkflowClient.execute(run::run, PoolFakes.input(40, "2h", false));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "ok", null));
    TestEnvironments.awaitTrue(() -> fakes.resizes.size() == 1, "resized");
    env.sleep(Duration.ofMinutes(90));
    assertThat(fakes.resizes).containsExactly("app 40/null");
    env.sleep(Duration.ofMinutes(31));
    TestEnvironments.awaitTrue(() -> fakes.resizes.size() == 2, "reverted");
  }

  @Test
  void aSizeBeyondTheHeadroomIsRefusedWithTheNumbers() {
    assertApplicationFailure(() -> run.run(PoolFakes.input(53, null, false)), FailureTypes.SAFETY_REFUSED,
        "pool_size 53 + reserve_pool 0 = 53 does not fit the primary's headroom: max_connections 100");
    assertThat(fakes.resizes).isEmpty();
  }

  @Test
  void exactlyTheHeadroomFits() {
    fakes.central.approvals.preApprovals = List.of(new io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval(
        PoolResizeWorkflowImpl.STEP, "app", "approvals.preApprovals[0]"));
    assertThat(run.run(PoolFakes.input(52, null, false)).poolSize()).isEqualTo(52);
    assertThat(fakes.resizes).containsExactly("app 52/null");
  }

  @Test
  void entriesOfAnotherServerDoNotCount() {
    fakes.pools = List.of(new Pool("app", "10.0.0.1", 5432, 20, 0, true, 0),
        new Pool("elsewhere", "10.0.0.1", 6543, 80, 0, true, 0));
    fakes.central.approvals.preApprovals = List.of(new io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval(
        PoolResizeWorkflowImpl.STEP, "*", "approvals.preApprovals[0]"));
    assertThat(run.run(PoolFakes.input(87, null, false)).headroom()).isEqualTo(87);
  }

  @Test
  void dryRunChangesNothing() {
    PoolResizeResult dry = run.run(PoolFakes.input(40, "1h", true));
    assertThat(dry.report().plan()).hasSize(2);
    assertThat(fakes.resizes).isEmpty();
  }

  @Test
  void rejectedChangesNothing() {
    CompletableFuture<PoolResizeResult> done = WorkflowClient.execute(run::run, PoolFakes.input(40, null, false));
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "no", null));
    assertThat(done.join().report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(fakes.resizes).isEmpty();
  }

  @Test
  void poolSizeZeroFailsBeforeAnyActivity() {
    assertApplicationFailure(() -> run.run(PoolFakes.input(0, null, false)), FailureTypes.BAD_INPUT,
        "poolSize must be at least 1, got 0");
    assertThat(fakes.central.calls).isEmpty();
  }

  @Test
  void aNegativeRevertAfterFailsBeforeAnyActivity() {
    assertApplicationFailure(() -> run.run(PoolFakes.input(10, "-1h", false)), FailureTypes.BAD_INPUT,
        "revertAfter must be positive");
    assertThat(fakes.central.calls).isEmpty();
  }

  @Test
  void anUnknownEntryIsBadInputBeforeAnyChange() {
    assertApplicationFailure(() -> run.run(new PoolResizeInput("main", "nope", 10, null, null, false, "a", "r")),
        FailureTypes.BAD_INPUT, "no [databases] entry 'nope'");
    assertThat(fakes.resizes).isEmpty();
  }
}
