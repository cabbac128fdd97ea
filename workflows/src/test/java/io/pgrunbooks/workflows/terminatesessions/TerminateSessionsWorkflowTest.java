package io.pgrunbooks.workflows.terminatesessions;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.SessionActivities.Action;
import io.pgrunbooks.workflows.activities.SessionActivities.Outcome;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TerminateSessions' decisions with mocked activities: every branch. */
class TerminateSessionsWorkflowTest {
  private static final String BLOCKER = SessionFakes.BLOCKER.pid() + "@" + SessionFakes.BLOCKER.backendStartMicros();
  private static final String IDLER = SessionFakes.IDLER.pid() + "@" + SessionFakes.IDLER.backendStartMicros();

  private TestWorkflowEnvironment env;
  private final SessionFakes fakes = new SessionFakes();
  private TerminateSessionsWorkflow run;

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
  void approvedRunCancelsFirstThenTerminatesWhatStillMatchesBoundToPidAndStart() {
    fakes.answers.put(SessionFakes.IDLER.pid() + " " + Action.TERMINATE, Outcome.NO_LONGER_MATCHES);
    CompletableFuture<TerminateSessionsResult> done = WorkflowClient.execute(run::run, SessionFakes.idleInput(false));
    assertThat(fakes.signals()).as("nothing before approval").isEmpty();
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "stuck", null));

    TerminateSessionsResult r = done.join();
    assertThat(fakes.signals()).containsExactly("CANCEL " + BLOCKER, "CANCEL " + IDLER, "TERMINATE " + BLOCKER,
        "TERMINATE " + IDLER);
    assertThat(r.terminated()).containsExactly(4242);
    assertThat(r.cancelled()).containsExactly(4343);
    assertThat(r.alreadyGone()).isEmpty();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().summary()).contains("terminated [4242]", "cancelled and left connected [4343]");
    assertThat(fakes.calls.get(0)).contains("idleInTransactionSeconds=600", "database=app", "limit=11");
  }

  @Test
  void approvalShowsEvidencePerSession() {
    WorkflowClient.execute(run::run, SessionFakes.idleInput(false));
    TestEnvironments.awaitPendingApproval(run);

    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.toString()).contains("pid 4242", "app_rw@app", "billing", "10.0.0.7/32", "blocks 3",
        "UPDATE invoices", "pid 4343");
    run.reject(new ApprovalSignal(pending.requestId(), "bob", "no", null));
  }

  @Test
  void aSessionGoneAfterItsCancelIsReportedGoneAndNotTerminated() {
    fakes.answers.put(SessionFakes.BLOCKER.pid() + " " + Action.CANCEL, Outcome.GONE);
    fakes.answers.put(SessionFakes.IDLER.pid() + " " + Action.TERMINATE, Outcome.GONE);
    CompletableFuture<TerminateSessionsResult> done = WorkflowClient.execute(run::run, SessionFakes.idleInput(false));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "ok", null));

    TerminateSessionsResult r = done.join();
    assertThat(fakes.signals()).containsExactly("CANCEL " + BLOCKER, "CANCEL " + IDLER, "TERMINATE " + IDLER);
    assertThat(r.alreadyGone()).containsExactly(4242, 4343);
    assertThat(r.terminated()).isEmpty();
  }

  @Test
  void withoutCancelFirstOnlyTerminateIsSent() {
    CompletableFuture<TerminateSessionsResult> done = WorkflowClient.execute(run::run, new TerminateSessionsInput(
        "main", null, null, "30s", null, null, null, null, null, false, false, "alice", "blockers"));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "ok", null));

    assertThat(done.join().terminated()).containsExactly(4242, 4343);
    assertThat(fakes.signals()).containsExactly("TERMINATE " + BLOCKER, "TERMINATE " + IDLER);
  }

  @Test
  void aSessionThatStoppedMatchingBeforeAnySignalIsLeftAloneNotCalledCancelled() {
    fakes.answers.put(SessionFakes.IDLER.pid() + " " + Action.CANCEL, Outcome.NO_LONGER_MATCHES);
    CompletableFuture<TerminateSessionsResult> done = WorkflowClient.execute(run::run, SessionFakes.idleInput(false));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "ok", null));

    TerminateSessionsResult r = done.join();
    assertThat(fakes.signals()).containsExactly("CANCEL " + BLOCKER, "CANCEL " + IDLER, "TERMINATE " + BLOCKER);
    assertThat(r.leftAlone()).containsExactly(4343);
    assertThat(r.cancelled()).isEmpty();
    assertThat(r.terminated()).containsExactly(4242);
  }

  @Test
  void dryRunSelectsAndPlansButSignalsNothing() {
    TerminateSessionsResult r = run.run(SessionFakes.idleInput(true));

    assertThat(fakes.signals()).isEmpty();
    assertThat(r.selected()).hasSize(2);
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().plan()).hasSize(2).first().asString().contains("pg_terminate_backend(4242)");
  }

  @Test
  void rejectedRunSignalsNothing() {
    CompletableFuture<TerminateSessionsResult> done = WorkflowClient.execute(run::run, SessionFakes.idleInput(false));
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "month-end job", null));

    assertThat(done.join().report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(fakes.signals()).isEmpty();
  }

  @Test
  void preApprovalCoversExactlyItsCriteriaAndLimit() {
    fakes.approvals.preApprovals = List.of(new PreApproval(TerminateSessionsWorkflowImpl.STEP,
        "idleInTransactionLongerThan=600s maxSessions=10", "approvals.preApprovals[0]"));
    TerminateSessionsResult r = run.run(SessionFakes.idleInput(false));

    assertThat(r.terminated()).containsExactly(4242, 4343);
    assertThat(r.report().approvals()).singleElement().asString().contains("approvals.preApprovals[0]");
  }

  @Test
  void preApprovalOfOtherCriteriaStillWaitsForAPerson() {
    fakes.approvals.preApprovals = List.of(new PreApproval(TerminateSessionsWorkflowImpl.STEP,
        "idleInTransactionLongerThan=600s maxSessions=5", "approvals.preApprovals[0]"));
    CompletableFuture<TerminateSessionsResult> done = WorkflowClient.execute(run::run, SessionFakes.idleInput(false));
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "not now", null));

    assertThat(done.join().report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(fakes.signals()).isEmpty();
  }

  @Test
  void moreSessionsThanMaxSessionsIsRefusedBeforeAnySignal() {
    assertApplicationFailure(() -> run.run(new TerminateSessionsInput("main", "app", "10m", null, null, null, null,
        null, 1, null, false, "alice", "cleanup")), FailureTypes.SAFETY_REFUSED, "more than maxSessions=1");
    assertThat(fakes.signals()).isEmpty();
  }

  @Test
  void noCriterionIsBadInputBeforeAnyActivity() {
    assertApplicationFailure(() -> run.run(new TerminateSessionsInput("main", "app", null, null, null, null, null,
        null, null, null, false, "alice", "cleanup")), FailureTypes.BAD_INPUT, "at least one criterion");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void negativeDurationIsBadInputBeforeAnyActivity() {
    assertApplicationFailure(() -> run.run(new TerminateSessionsInput("main", null, null, "-5m", null, null, null,
        null, null, null, false, "alice", "cleanup")), FailureTypes.BAD_INPUT, "blockingLongerThan must not be negative");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void noMatchingSessionCompletesWithNothingToDo() {
    fakes.sessions = List.of();
    TerminateSessionsResult r = run.run(SessionFakes.idleInput(false));

    assertThat(r.report().summary()).contains("no session matches");
    assertThat(fakes.signals()).isEmpty();
  }
}
