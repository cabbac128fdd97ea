package io.pgrunbooks.workflows.failover;

import static io.pgrunbooks.workflows.failover.PatroniFailoverFakes.fenced;
import static io.pgrunbooks.workflows.failover.PatroniFailoverFakes.found;
import static io.pgrunbooks.workflows.failover.PatroniFailoverFakes.node;
import static io.pgrunbooks.workflows.failover.PatroniFailoverFakes.notFound;
import static io.pgrunbooks.workflows.failover.PatroniFailoverFakes.twoWritable;
import static io.pgrunbooks.workflows.failover.PatroniFailoverFakes.view;
import static io.pgrunbooks.workflows.failover.FailoverFakes.approveTwice;
import static io.pgrunbooks.workflows.failover.FailoverFakes.awaitPending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniView;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failover on a cluster with {@code topology: patroni} whose primary is gone: Patroni promotes, the run fences. */
class FailoverFenceOnPatroniTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final FailoverFakes fakes = new FailoverFakes();
  private final PatroniFailoverFakes patroni = new PatroniFailoverFakes(fakes.calls);

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = env.getWorkflowClient();
    fakes.topology = "patroni";
    fakes.scriptedPatroni = patroni;
    fakes.register(env, FailoverWorkflowImpl.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void twoWritableNodesAfterPatroniPromotedAreFencedAfterApprovalAndPgBouncerFollowsTheLeader() {
    patroni.views = List.of(twoWritable(), twoWritable(), fenced());
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "pg1"
        + " Patroni killed"));
    PendingApproval p = awaitPending(run);
    assertThat(p.requestId()).startsWith(PatroniFailover.STEP);
    assertThat(p.evidence().get("Patroni's leader")).contains("pg2").contains("timeline 2");
    assertThat(p.evidence().get("to fence: pg1")).contains("writable at 0/2328").contains("Patroni does not answer");
    assertThat(p.evidence().get("writes cut on pg1")).contains("3 client sessions");
    assertThat(fakes.calls).isEmpty();
    approveTwice(run, p);

    FailoverResult r = result.join();
    assertThat(r.report().outcome()).as(r.report().summary()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.oldPrimary()).isEqualTo("pg1");
    assertThat(r.primaryNow()).isEqualTo("pg2");
    assertThat(r.fenceConfirmed()).isTrue();
    assertThat(r.timeline()).isEqualTo(2);
    assertThat(fakes.calls).containsExactly("pause", "fencePatroni pg1", "repoint pg2", "resume",
        "checkThroughBouncer");
    assertThat(r.report().summary()).contains("Patroni's leader is pg2").contains("fenced pg1")
        .contains("PgBouncer repointed from pg1 to pg2");
  }

  @Test
  void aFenceThatDoesNotHoldStillLeavesPgBouncerOnTheLeaderResumedAndFailsTheRun() {
    patroni.views = List.of(twoWritable());
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "x"));
    approveTwice(run, awaitPending(run));
    assertThat(catchThrowable(result::join)).hasStackTraceContaining("still writable besides Patroni's leader pg2: pg1");
    assertThat(fakes.calls).containsExactly("pause", "fencePatroni pg1", "repoint pg2", "resume");
  }

  @Test
  void patroniPromotesByItselfWhileTheRunWaitsAndOnlyPgBouncerIsRepointed() {
    patroni.views = List.of(view("pg1", false, node("pg1", null, false, 0, 0), node("pg2", false, true, 8800, 1),
        node("pg3", false, true, 8800, 1)), fenced());
    patroni.waits = List.of(found("pg2", 2));
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "host"));
    PendingApproval p = awaitPending(run);
    assertThat(p.action()).isEqualTo("repoint PgBouncer from pg1 to pg2");
    approveTwice(run, p);

    FailoverResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(fakes.calls).containsExactly("awaitLeader not pg1", "repoint pg2", "checkThroughBouncer");
    assertThat(r.report().summary()).contains("promoted by Patroni, by itself").contains("after 31000 ms");
  }

  @Test
  void whenPatroniWillNotPromoteTwoPeopleApproveAManualFailoverWithTheReason() {
    PatroniView stuck = view("pg1", true, node("pg1", null, false, 0, 0), node("pg2", false, true, 8800, 1),
        node("pg3", false, true, 8700, 1));
    patroni.views = List.of(stuck, stuck, fenced());
    patroni.waits = List.of(notFound(), found("pg2", 2));
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "host"));
    PendingApproval p = awaitPending(run);
    assertThat(p.requestId()).startsWith(PatroniFailover.MANUAL_STEP);
    assertThat(p.evidence().get("why Patroni did not promote")).contains("paused");
    run.approve(new ApprovalSignal(p.requestId(), "alice", "go", null));
    TestEnvironments.awaitTrue(() -> run.progress().pendingApprovals().get(0).approvedBy().equals(List.of("alice")),
        "alice counted");
    assertThat(fakes.calls).containsExactly("awaitLeader not pg1");
    run.approve(new ApprovalSignal(p.requestId(), "bob", "go", null));
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty()
        && run.progress().pendingApprovals().get(0).requestId().startsWith(PatroniFailover.STEP), "fence approval pending");
    approveTwice(run, run.progress().pendingApprovals().get(0));

    FailoverResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(fakes.calls).containsExactly("awaitLeader not pg1", "POST /failover pg2", "awaitLeader not pg1",
        "repoint pg2", "checkThroughBouncer");
    assertThat(r.report().summary()).contains("promoted by Patroni, on POST /failover");
  }

  @Test
  void aManualFailoverIsRefusedWhenOnePersonCouldApproveIt() {
    fakes.approvals.approvalsNeeded = 1;
    patroni.views = List.of(view(null, true, node("pg1", null, false, 0, 0), node("pg2", false, true, 8800, 1),
        node("pg3", false, true, 8700, 1)));
    patroni.waits = List.of(notFound());
    TestEnvironments.assertApplicationFailure(() -> stub().run(FailoverInput.of("main", "pg2", "host")),
        FailureTypes.SAFETY_REFUSED, "approvals.twoPersonRunbooks");
    assertThat(fakes.calls).containsExactly("awaitLeader not pg1");
  }

  @Test
  void aHealthyLeaderGoesOnToThePlannedSwitchoverPath() {
    patroni.views = List.of(view("pg1", false, node("pg1", true, true, 9000, 1), node("pg2", false, true, 9000, 1),
        node("pg3", false, true, 9000, 1)));
    FailoverWorkflow run = stub();
    WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "drill"));
    PendingApproval p = awaitPending(run);
    assertThat(p.requestId()).startsWith("failover-");
    assertThat(run.progress().log()).anyMatch(l -> l.contains("a planned switchover to pg2, not an unplanned failover"));
    assertThat(fakes.calls).isEmpty();
    run.reject(new ApprovalSignal(p.requestId(), "bob", "not now", null));
  }

  @Test
  void aWritableOldPrimaryWhosePatroniIsAliveIsLeftToPatroni() {
    patroni.views = List.of(view("pg2", false, node("pg1", true, true, 9000, 1), node("pg2", true, true, 8800, 2),
        node("pg3", false, true, 8800, 2)));
    TestEnvironments.assertApplicationFailure(() -> stub().run(FailoverInput.of("main", "pg2", "x")),
        FailureTypes.SAFETY_REFUSED, "its Patroni answers");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aRejectedFenceStopsNothingAndSaysSo() {
    patroni.views = List.of(twoWritable());
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "x"));
    PendingApproval p = awaitPending(run);
    run.reject(new ApprovalSignal(p.requestId(), "bob", "not yet", null));
    FailoverResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.report().summary()).contains("nothing was stopped or repointed");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void dryRunReportsTheSituationAndChangesNothing() {
    patroni.views = List.of(twoWritable());
    FailoverResult r = stub().run(new FailoverInput("main", "pg2", false, "x", null, true));
    assertThat(r.report().summary()).contains("Patroni already promoted pg2").contains("old primary pg1");
    assertThat(fakes.calls).isEmpty();
  }

  private FailoverWorkflow stub() {
    return FailoverFakes.newRun(client);
  }
}
