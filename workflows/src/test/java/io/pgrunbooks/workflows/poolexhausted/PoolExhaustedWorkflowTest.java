package io.pgrunbooks.workflows.poolexhausted;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.SessionActivities.Session;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.approval.Delegation;
import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustionPlanner.Relief;
import io.pgrunbooks.workflows.poolresize.PoolResizeResult;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.pgrunbooks.workflows.terminatesessions.SessionFakes;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsInput;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsResult;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflow;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PoolExhausted with mocked activities and its real children; the delegated approval from both sides. */
class PoolExhaustedWorkflowTest {
  private static final String BLOCKER = SessionFakes.BLOCKER.pid() + "@" + SessionFakes.BLOCKER.backendStartMicros();
  private static final String IDLER = SessionFakes.IDLER.pid() + "@" + SessionFakes.IDLER.backendStartMicros();

  private TestWorkflowEnvironment env;
  private final ExhaustedFakes fakes = new ExhaustedFakes();
  private PoolExhaustedWorkflow run;

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
  void oneApprovalOnTheParentEndsTheHoldersThroughTheChildAndWaitingFalls() {
    CompletableFuture<PoolExhaustedResult> done = WorkflowClient.execute(run::run, ExhaustedFakes.input("app", false));
    String id = TestEnvironments.awaitPendingApproval(run);
    var evidence = run.progress().pendingApprovals().get(0).evidence();
    assertThat(evidence).containsEntry("clients waiting (cl_waiting)", "7").containsKey("holder pid 4242")
        .containsKey("holder pid 4343");
    assertThat(evidence.get("proposal")).contains("terminate 2 session(s)", "idle in transaction for 700 s or more");
    assertThat(fakes.signals()).as("nothing before the approval").isEmpty();
    run.approve(new ApprovalSignal(id, "bob", "API down", null));

    PoolExhaustedResult r = done.join();
    assertThat(r.relief()).isEqualTo(Relief.TERMINATE);
    assertThat(fakes.signals()).containsExactlyInAnyOrder("TERMINATE " + BLOCKER, "TERMINATE " + IDLER);
    assertThat(r.before().clientsWaiting()).isEqualTo(7);
    assertThat(r.after().clientsWaiting()).isEqualTo(5);
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().summary()).contains("cl_waiting 7 -> 5");
    assertThat(r.child()).isEqualTo(ExhaustedFakes.TERMINATE_CHILD);

    TerminateSessionsResult child = env.getWorkflowClient().newUntypedWorkflowStub(ExhaustedFakes.TERMINATE_CHILD)
        .getResult(TerminateSessionsResult.class);
    assertThat(child.terminated()).containsExactlyInAnyOrder(4242, 4343);
    assertThat(child.report().approvals()).extracting(ApprovalRecord::decision).containsExactly("DELEGATED");
    assertThat(child.report().approvals()).extracting(ApprovalRecord::approver).containsExactly("bob");
    assertThat(child.report().approvals().get(0).comment()).contains(ExhaustedFakes.ID, "relieve-pool-1", "by bob");
    assertThat(fakes.calls).anyMatch(c -> c.contains("idleInTransactionSeconds=700") && c.contains("database=app"));
  }

  @Test
  void withoutHoldersATemporaryResizeWithinTheHeadroomIsProposedAndDoneByTheChild() throws Exception {
    fakes.sessions = List.of();
    CompletableFuture<PoolExhaustedResult> done = WorkflowClient.execute(run::run, ExhaustedFakes.input(null, false));
    String id = TestEnvironments.awaitPendingApproval(run);
    assertThat(run.progress().pendingApprovals().get(0).evidence().get("proposal"))
        .contains("from 20 to 27", "7 client(s) wait", "back after PT1H");
    run.approve(new ApprovalSignal(id, "bob", "ok", null));

    PoolExhaustedResult r = done.join();
    assertThat(r.relief()).isEqualTo(Relief.RESIZE);
    // The test server skips the child's revert timer as soon as nothing else runs: the first resize is the relief.
    assertThat(fakes.bouncer.resizes.get(0)).isEqualTo("app 27/null");
    assertThat(r.after().clientsWaiting()).isZero();

    PoolResizeResult child = env.getWorkflowClient().newUntypedWorkflowStub(ExhaustedFakes.RESIZE_CHILD)
        .getResult(60, java.util.concurrent.TimeUnit.SECONDS, PoolResizeResult.class);
    assertThat(fakes.bouncer.resizes).containsExactly("app 27/null", "app 20/null");
    assertThat(child.report().approvals()).extracting(ApprovalRecord::decision).containsExactly("DELEGATED");
  }

  @Test
  void childAsksItsOwnApprovalWhenItsEvidenceHoldsASessionOutsideTheApprovedPlan() {
    Session newcomer = new Session(5151, 1_700_000_000_000_003L, "2026-12-06T03:05:00.000003Z", "app", "app_rw",
        "batch", "10.0.0.9/32", "idle in transaction", "SELECT 2", 800, 800, 0, 0);
    fakes.lateSessions = List.of(newcomer);
    CompletableFuture<PoolExhaustedResult> done = WorkflowClient.execute(run::run, ExhaustedFakes.input("app", false));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "ok", null));

    TerminateSessionsWorkflow child = env.getWorkflowClient().newWorkflowStub(TerminateSessionsWorkflow.class,
        ExhaustedFakes.TERMINATE_CHILD);
    String childRequest = TestEnvironments.awaitPendingApproval(child);
    assertThat(fakes.signals()).as("nothing beyond the plan without a new approval").isEmpty();
    assertThat(child.progress().pendingApprovals().get(0).evidence()).containsKey("pid 5151");
    child.reject(new ApprovalSignal(childRequest, "bob", "not that one", null));

    PoolExhaustedResult r = done.join();
    assertThat(fakes.signals()).isEmpty();
    assertThat(r.childOutcome()).startsWith("REJECTED");
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    TerminateSessionsResult c = env.getWorkflowClient().newUntypedWorkflowStub(ExhaustedFakes.TERMINATE_CHILD)
        .getResult(TerminateSessionsResult.class);
    assertThat(c.report().approvals().get(0).decision()).isEqualTo("DELEGATION_REFUSED");
    assertThat(c.report().approvals().get(0).comment()).contains("5151@1700000000000003", "not in the plan");
  }

  @Test
  void forgedDelegationInAClientStartedRunGetsNoApproval() {
    List<String> scope = List.of(BLOCKER, IDLER);
    DelegatedApproval forged = new DelegatedApproval(ExhaustedFakes.ID, "any-run", WorkflowTypes.POOL_EXHAUSTED,
        "relieve-pool-1", TerminateSessionsWorkflowImpl.STEP, scope,
        Delegation.digest(TerminateSessionsWorkflowImpl.STEP, scope), List.of("bob"));
    TerminateSessionsWorkflow direct = env.getWorkflowClient().newWorkflowStub(TerminateSessionsWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("terminate-sessions:main").build());
    CompletableFuture<TerminateSessionsResult> done = WorkflowClient.execute(direct::run, new TerminateSessionsInput(
        "main", "app", "10m", null, null, null, null, null, null, false, false, "mallory", "forged", forged));
    String request = TestEnvironments.awaitPendingApproval(direct);
    assertThat(fakes.signals()).as("a forged delegation approves nothing").isEmpty();
    direct.reject(new ApprovalSignal(request, "bob", "who started this?", null));

    TerminateSessionsResult r = done.join();
    assertThat(fakes.signals()).isEmpty();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.report().approvals()).extracting(ApprovalRecord::decision)
        .containsExactly("DELEGATION_REFUSED", "REJECTED");
    assertThat(r.report().approvals().get(0).comment()).contains("not started by a parent workflow");
  }

  @Test
  void noWaitingClientMeansNothingToDo() {
    fakes.waiting = 0;
    PoolExhaustedResult r = run.run(ExhaustedFakes.input("app", false));
    assertThat(r.relief()).isEqualTo(Relief.NONE);
    assertThat(fakes.signals()).isEmpty();
    assertThat(fakes.approvals.policyInputs).as("no approval asked").isEmpty();
  }

  @Test
  void dryRunProposesAndChangesNothing() {
    PoolExhaustedResult r = run.run(ExhaustedFakes.input("app", true));
    assertThat(r.relief()).isEqualTo(Relief.TERMINATE);
    assertThat(r.report().plan()).anyMatch(p -> p.contains("terminate 2 session(s)"));
    assertThat(fakes.signals()).isEmpty();
    assertThat(fakes.bouncer.resizes).isEmpty();
  }

  @Test
  void unknownPoolIsBadInputBeforeAnything() {
    assertApplicationFailure(() -> run.run(ExhaustedFakes.input("nope", false)), FailureTypes.BAD_INPUT,
        "no [databases] entry 'nope' (entries: [app, reports])");
    assertThat(fakes.signals()).isEmpty();
  }

  @Test
  void nonsenseDurationsAreBadInput() {
    assertApplicationFailure(() -> run.run(new PoolExhaustedInput("main", null, "-5m", "soon", false, null, null)),
        FailureTypes.BAD_INPUT, "idleInTransactionLongerThan must be positive");
  }
}
