package io.pgrunbooks.workflows.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.PatroniActivities.ScheduledSwitchover;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillInput;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflow;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflowImpl;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failover and FailoverDrill of a healthy primary on a cluster with {@code topology: patroni}. */
class FailoverSwitchoverOnPatroniTest {
  private TestWorkflowEnvironment env;
  private final FailoverFakes fakes = new FailoverFakes();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    fakes.topology = "patroni";
    fakes.register(env, FailoverWorkflowImpl.class, FailoverDrillWorkflowImpl.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void approvedSwitchoverAsksPatroniJudgesFromTheClusterAndAWriteThenRepointsAndResumes() {
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    PendingApproval pending = approveTwice(run);
    assertThat(pending.evidence().get("Patroni")).contains("leader pg1 on timeline 1", "candidate pg2 streaming");
    assertThat(pending.evidence().get("mode")).startsWith("switchover through Patroni");

    FailoverResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.primaryNow()).isEqualTo("pg2");
    // No node agent is asked to stop or promote anything: Patroni does it.
    assertThat(fakes.calls).containsExactly("pause", "POST /switchover pg1 -> pg2", "awaitWritable pg2", "repoint pg2",
        "resume", "checkThroughBouncer");
    assertThat(r.report().summary()).startsWith("switchover through Patroni: pg2 is the leader on timeline 2")
        .contains("pg2 leads on timeline 2; pg1: role replica, state streaming, in recovery true (rejoined by "
            + "Patroni)",
            "writes through PgBouncer paused");
  }

  @Test
  void aPausedClusterIsRefusedBeforeTheApprovalWithNothingChanged() {
    fakes.patroni.paused = true;
    TestEnvironments.assertApplicationFailure(() -> stub().run(FailoverInput.of("main", "pg2", "test")),
        FailureTypes.SAFETY_REFUSED, "cluster main is paused in Patroni (automatic failover off)");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aScheduledSwitchoverIsRefused() {
    fakes.patroni.scheduled = new ScheduledSwitchover("2026-12-08T02:00:00+00:00", "pg1", "pg3");
    TestEnvironments.assertApplicationFailure(() -> stub().run(FailoverInput.of("main", "pg2", "test")),
        FailureTypes.SAFETY_REFUSED, "Patroni already has a switchover scheduled at 2026-12-08T02:00:00+00:00");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void aRefusalByPatroniResumesPgBouncerOnTheLeaderItNeverLeft() {
    fakes.patroni.answerStatus = 412;
    failsAndResumesOnPg1(FailureTypes.SAFETY_REFUSED, "Patroni refused the switchover from pg1 to pg2 (HTTP 412");
  }

  @Test
  void aStatusUnknownAnswerIsJudgedFromTheClusterAndFinishes() {
    fakes.patroni.answerStatus = 503;
    CompletableFuture<FailoverResult> result = startApproved();
    assertThat(result.join().primaryNow()).isEqualTo("pg2");
    assertThat(fakes.calls).contains("repoint pg2", "resume");
  }

  @Test
  void aSwitchoverPatroniNeverRunsTimesOutAndResumesPgBouncerOnTheOldLeader() {
    fakes.patroni.answerStatus = 503;
    fakes.patroni.ignore = true;
    failsAndResumesOnPg1(PatroniSwitchover.TIMED_OUT,
        "Patroni did not make pg2 the leader (HTTP 503: Successfully switched over to \"pg2\") within 10 s (last seen:"
        + " pg2's Patroni answers GET /primary with 503 (not the leader yet))");
  }

  @Test
  void drillSwitchesOverAndBackThroughPatroniWithoutPgRewind() {
    fakes.approvals.approvalsNeeded = 1;
    FailoverDrillWorkflow run = env.getWorkflowClient().newWorkflowStub(FailoverDrillWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("failover-drill:main").build());
    CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(), "an approval is pending");
    run.approve(new ApprovalSignal(null, "alice", "go", null));

    FailoverDrillResult r = result.join();
    assertThat(r.passed()).as("%s", r.criteria()).isTrue();
    assertThat(r.phases()).extracting(p -> p.rejoin() + " " + p.timeline()).containsExactly("Patroni 2", "Patroni 3");
    assertThat(fakes.calls).contains("POST /switchover pg1 -> pg2", "POST /switchover pg2 -> pg1",
        "catchUp pg1 from pg2", "catchUp pg2 from pg1").noneMatch(c -> c.startsWith("rewind") || c.startsWith("stop pg")
        || c.startsWith("promote") || c.startsWith("slot"));
  }

  /** An approved Failover to pg2 fails so; PgBouncer is resumed where it pointed (pg1), nothing else is done. */
  private void failsAndResumesOnPg1(String type, String message) {
    TestEnvironments.assertApplicationFailure(startApproved()::join, type, message);
    assertThat(fakes.calls).containsExactly("pause", "POST /switchover pg1 -> pg2", "resume");
  }

  /** A Failover to pg2, approved by alice and bob. */
  private CompletableFuture<FailoverResult> startApproved() {
    FailoverWorkflow run = stub();
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    approveTwice(run);
    return result;
  }

  private FailoverWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(FailoverWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("failover:main").build());
  }

  private static PendingApproval approveTwice(FailoverWorkflow run) {
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(), "an approval is pending");
    PendingApproval pending = run.progress().pendingApprovals().get(0);
    run.approve(new ApprovalSignal(pending.requestId(), "alice", "go", null));
    run.approve(new ApprovalSignal(pending.requestId(), "bob", "go", null));
    return pending;
  }
}
