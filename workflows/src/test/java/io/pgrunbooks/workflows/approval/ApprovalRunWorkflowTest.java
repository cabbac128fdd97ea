package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run shows and sends around its approvals; pre-approval, plan binding and dry runs. */
class ApprovalRunWorkflowTest extends GateTestSupport {
  private static final String APPROVE_CMD = "runbooks approve " + WORKFLOW_ID + " --request " + FIRST + " --as <name>";
  private static final String SIGNAL_CMD = "temporal workflow signal --workflow-id " + WORKFLOW_ID
      + " --name approve --input '{\"requestId\":\"" + FIRST + "\",\"approver\":\"<name>\"}'";

  @Test
  void awaitingApprovalSetsStateAndDetails() {
    GatedTestWorkflow wf = startAndAwaitApproval();
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());

    Progress p = wf.progress();
    String details = WorkflowStub.fromTyped(wf).query("__temporal_workflow_metadata", WorkflowMetadata.class)
        .getCurrentDetails();

    assertThat(state(wf)).isEqualTo("AWAITING_APPROVAL");
    assertThat(p.state()).isEqualTo(RunbookState.AWAITING_APPROVAL);
    assertThat(p.currentStep()).isEqualTo("approval " + FIRST);
    PendingApproval pending = p.pendingApprovals().get(0);
    assertThat(pending.action()).isEqualTo("drop partition " + PARTITION);
    assertThat(pending.target()).isEqualTo(PARTITION);
    assertThat(pending.evidence()).containsExactly(java.util.Map.entry("rows", "1200"),
        java.util.Map.entry("archive", "s3://archive/" + PARTITION + ".csv.zst"));
    assertThat(pending.approvalsNeeded()).isEqualTo(1);
    assertThat(pending.roles()).containsExactly("approver");
    assertThat(Duration.between(now, pending.deadline())).isBetween(Duration.ofHours(23), Duration.ofHours(24));
    assertThat(pending.planDigest()).isEqualTo(ApprovalVotesWorkflowTest.digestOf(1200));
    assertThat(pending.howToApprove()).contains(APPROVE_CMD, SIGNAL_CMD);
    assertThat(details).contains("AWAITING_APPROVAL", "Waiting for approval", FIRST, "drop partition " + PARTITION,
        "- rows: 1200", "Deadline: " + pending.deadline(), "Approvals: 0 of 1", APPROVE_CMD, SIGNAL_CMD);

    wf.approve(signal(FIRST, "alice", null));
    resultAfterDecision(wf, FIRST);
    assertThat(state(wf)).isEqualTo("COMPLETED");
    assertThat(WorkflowStub.fromTyped(wf).query("__temporal_workflow_metadata", WorkflowMetadata.class)
        .getCurrentDetails()).doesNotContain("Waiting for approval");
  }

  @Test
  void notificationsSentForApprovalNeededAndCompletion() {
    GatedTestWorkflow wf = startAndAwaitApproval();
    wf.decide(approveBy("alice"));
    result(wf);

    assertThat(notify.events()).containsExactly("approval-needed", "completed");
    Notification needed = notify.sent.get(0);
    assertThat(needed.runbook()).isEqualTo("GatedTest");
    assertThat(needed.workflowId()).isEqualTo(WORKFLOW_ID);
    assertThat(needed.target()).isEqualTo(PARTITION);
    assertThat(needed.text()).contains("Approval needed", "drop partition " + PARTITION, APPROVE_CMD);
    assertThat(needed.fields()).containsEntry("requestId", FIRST).containsEntry("rows", "1200")
        .containsEntry("approvalsNeeded", "1").containsKey("deadline");
    assertThat(needed.fields().get("howToApprove")).contains(APPROVE_CMD, SIGNAL_CMD);
    assertThat(needed.fields().get("link")).startsWith("http://localhost:8233/namespaces/default/workflows/")
        .endsWith("/" + needed.runId() + "/history");
    Notification done = notify.sent.get(1);
    assertThat(done.fields()).containsEntry("outcome", "COMPLETED");
    assertThat(done.text()).contains("COMPLETED", "dropped " + PARTITION);
  }

  @Test
  void failedRunSendsTheFailedNotification() {
    approvals.policy = Fakes.policy(5, List.of(), false);
    GatedTestWorkflow wf = start(GatedTestInput.of(PARTITION, REQUESTER));

    assertThatThrownBy(() -> result(wf)).isInstanceOf(WorkflowFailedException.class);

    assertThat(notify.events()).containsExactly("failed");
    assertThat(notify.sent.get(0).fields()).containsEntry("outcome", "FAILED");
  }

  @Test
  void notificationFailureDoesNotFailTheRun() {
    notify.failing = true;
    GatedTestWorkflow wf = startAndAwaitApproval();
    wf.approve(signal(FIRST, "alice", null));

    RunReport report = resultAfterDecision(wf, FIRST);

    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(db.calls).anyMatch(c -> c.startsWith("drop "));
    assertThat(report.log()).containsExactly("notification 'approval-needed' not sent: webhook answered 500",
        "notification 'completed' not sent: webhook answered 500");
    assertThat(notify.attempts).isEqualTo(6);
  }

  @Test
  void preApprovedStepRecordsConfigPath() {
    approvals.policy = Fakes.policy(1, List.of(
        new PreApproval("drop-partition", "public.other_2025_01", "approvals.preApprovals[0]"),
        new PreApproval("vacuum", "*", "approvals.preApprovals[1]"),
        new PreApproval("drop-partition", PARTITION, "approvals.preApprovals[2]")), false);

    RunReport report = result(start(GatedTestInput.of(PARTITION, REQUESTER)));

    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.approvals()).extracting(ApprovalRecord::approver, ApprovalRecord::decision, ApprovalRecord::comment)
        .containsExactly(tuple("config", "PRE_APPROVED", "pre-approved by config approvals.preApprovals[2]"));
    assertThat(report.steps()).extracting(StepRecord::name, StepRecord::detail)
        .contains(tuple("approval " + FIRST, "pre-approved by config approvals.preApprovals[2]"));
    assertThat(db.calls).anyMatch(c -> c.startsWith("drop "));
    assertThat(notify.events()).containsExactly("completed");
    assertThat(approvals.policyCalls).containsExactly(new ApprovalPolicyInput("GatedTest", "main", PARTITION));
  }

  @Test
  void planChangeBeforeActingRequiresNewApproval() {
    db.rows = List.of(1200L, 1250L);
    GatedTestWorkflow wf = startAndAwaitApproval();
    wf.decide(approveBy("alice"));
    String second = "drop-partition-2";

    PendingApproval renewed = awaitPending(wf, second);
    Throwable stale = catchThrowable(() -> wf.decide(approveBy("bob")));
    wf.decide(new Decision(second, "bob", true, null, null));

    assertThat(renewed.evidence()).containsEntry("rows", "1250");
    assertThat(refusal(stale)).isEqualTo("request " + FIRST + " is already decided (APPROVED)");
    RunReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(db.calls).containsExactly("detach " + PARTITION,
        "drop " + PARTITION + " " + ApprovalVotesWorkflowTest.digestOf(1250));
    assertThat(report.approvals()).extracting(ApprovalRecord::requestId, ApprovalRecord::approver,
        ApprovalRecord::decision).containsExactly(tuple(FIRST, "alice", "APPROVED"), tuple(FIRST, null, "SUPERSEDED"),
        tuple(second, "bob", "APPROVED"));
    assertThat(report.approvals().get(1).comment()).isEqualTo("plan of drop-partition changed after approval " + FIRST
        + " (rows: 1200 -> 1250); the approval no longer counts");
    assertThat(report.log()).containsExactly(report.approvals().get(1).comment());
  }

  @Test
  void planThatKeepsMovingFailsWithoutActing() {
    db.rows = List.of(1L, 2L, 3L, 4L);
    GatedTestWorkflow wf = start(GatedTestInput.of(PARTITION, REQUESTER));
    for (int round = 1; round <= ApprovalGate.MAX_PLAN_ROUNDS; round++) {
      awaitPending(wf, "drop-partition-" + round);
      wf.decide(new Decision("drop-partition-" + round, "alice", true, null, null));
    }

    Throwable failure = catchThrowable(() -> result(wf));

    ApplicationFailure cause = rootApplicationFailure(failure);
    assertThat(cause.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
    assertThat(cause.getOriginalMessage()).isEqualTo("drop-partition: the plan changed after each of 3 approvals;"
        + " nothing was done. Last change: rows: 3 -> 4");
    assertThat(db.calls).containsExactly("detach " + PARTITION);
  }

  @Test
  void approvalNobodyCanGiveFailsFast() {
    approvals.policy = Fakes.policy(4, List.of(), false);

    Throwable failure = catchThrowable(() -> result(start(GatedTestInput.of(PARTITION, REQUESTER))));

    ApplicationFailure cause = rootApplicationFailure(failure);
    assertThat(cause.getType()).isEqualTo(FailureTypes.CONFIG);
    assertThat(cause.getOriginalMessage()).isEqualTo("'drop partition " + PARTITION + "' needs 4 distinct approver(s)"
        + " with role approver but the approvals config names alice, bob, carol besides the requester dave");
    assertThat(db.calls).doesNotContain("drop " + PARTITION);
  }

  @Test
  void dryRunNeverRequestsApproval() {
    RunReport report = result(start(GatedTestInput.of(PARTITION, REQUESTER).dry()));

    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.dryRun()).isTrue();
    assertThat(report.plan()).containsExactly("ALTER TABLE public.metrics DETACH PARTITION " + PARTITION,
        "DROP TABLE " + PARTITION);
    assertThat(report.approvals()).isEmpty();
    assertThat(report.changes()).isEmpty();
    assertThat(approvals.policyCalls).isEmpty();
    assertThat(db.calls).isEmpty();
    assertThat(notify.events()).containsExactly("completed");
  }

  @Test
  void gateRefusesToAskInADryRun() {
    Throwable failure = catchThrowable(() -> result(start(GatedTestInput.of(PARTITION, REQUESTER).dryButAsking())));

    assertThat(rootApplicationFailure(failure).getOriginalMessage()).isEqualTo("dry run reached the approval of"
        + " 'drop partition " + PARTITION + "': a dry run must never reach a destructive step");
    assertThat(approvals.policyCalls).isEmpty();
    assertThat(db.calls).isEmpty();
    assertThat(notify.events()).containsExactly("failed");
  }

  private static ApplicationFailure rootApplicationFailure(Throwable e) {
    ApplicationFailure found = null;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure app) {
        found = app;
      }
    }
    assertThat(found).as("an ApplicationFailure in the cause chain of %s", e).isNotNull();
    return found;
  }
}
