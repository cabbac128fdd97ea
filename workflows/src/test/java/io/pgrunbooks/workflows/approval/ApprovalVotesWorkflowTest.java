package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.WorkflowReplayer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Votes by signal and by update, and every reason a vote is refused. */
class ApprovalVotesWorkflowTest extends GateTestSupport {

  @Test
  void approvedBySignalRunsTheStep() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    wf.approve(signal(FIRST, "alice", "archive verified"));

    RunReport report = resultAfterDecision(wf, FIRST);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(db.calls).containsExactly("detach " + PARTITION, "drop " + PARTITION + " " + digestOf(1200));
    assertThat(report.approvals()).extracting(ApprovalRecord::requestId, ApprovalRecord::approver,
        ApprovalRecord::decision, ApprovalRecord::comment)
        .containsExactly(tuple(FIRST, "alice", "APPROVED", "archive verified"));
    assertThat(report.approvals().get(0).at()).isNotNull();
    assertThat(report.steps()).extracting(StepRecord::name, StepRecord::status, StepRecord::detail).containsExactly(
        tuple("detach", StepRecord.DONE, "detached " + PARTITION),
        tuple("approval " + FIRST, StepRecord.DONE, "approved by alice"),
        tuple("drop", StepRecord.DONE, "dropped " + PARTITION));
    assertThat(report.changes()).containsExactly("detached " + PARTITION, "dropped " + PARTITION);
    assertThat(state(wf)).isEqualTo("COMPLETED");
  }

  @Test
  void approvedByUpdateReturnsApproved() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    DecisionResult result = wf.decide(approveBy("alice"));

    assertThat(result).isEqualTo(new DecisionResult(FIRST, "APPROVED", List.of("alice"), 1, "approved by alice"));
    RunReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(db.calls).anyMatch(c -> c.startsWith("drop "));
  }

  @Test
  void decisionOfAnOidcApproverRecordsSubjectAndDisplayNameBesideTheName() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    wf.decide(new Decision(FIRST, "alice", true, "checked", null, "f81d4fae", "Alice Example"));

    RunReport report = result(wf);
    assertThat(report.approvals()).extracting(ApprovalRecord::approver, ApprovalRecord::approverSubject,
        ApprovalRecord::approverDisplayName).containsExactly(tuple("alice", "f81d4fae", "Alice Example"));
  }

  @Test
  void identityFieldsAreLeftOutOfTheJsonWhenAbsentSoOlderReadersSeeNoChange() throws Exception {
    var json = io.pgrunbooks.workflows.common.DataConverters.objectMapper();
    String basic = json.writeValueAsString(new Decision(FIRST, "alice", true, "ok", null));
    assertThat(basic).doesNotContain("approverSubject").doesNotContain("approverDisplayName");
    assertThat(json.readValue(basic, Decision.class)).isEqualTo(new Decision(FIRST, "alice", true, "ok", null));
    Decision oidc = new Decision(FIRST, "alice", true, "ok", null, "f81d4fae", "Alice Example");
    assertThat(json.readValue(json.writeValueAsString(oidc), Decision.class)).isEqualTo(oidc);
    assertThat(json.writeValueAsString(new ApprovalRecord(FIRST, "drop", "bob", null, "APPROVED", null)))
        .doesNotContain("approverSubject");
  }

  @Test
  void rejectionRunsCompensationAndEndsRejected() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    wf.reject(signal(FIRST, "bob", "not during business hours"));

    RunReport report = resultAfterDecision(wf, FIRST);
    assertThat(report.outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(db.calls).containsExactly("detach " + PARTITION, "reattach " + PARTITION);
    assertThat(report.approvals()).extracting(ApprovalRecord::approver, ApprovalRecord::decision, ApprovalRecord::comment)
        .containsExactly(tuple("bob", "REJECTED", "not during business hours"));
    assertThat(report.changes()).containsExactly("detached " + PARTITION, "re-attached " + PARTITION);
    assertThat(report.summary()).isEqualTo("drop of " + PARTITION
        + " rejected by bob: not during business hours; partition re-attached");
    assertThat(state(wf)).isEqualTo("REJECTED");
  }

  @Test
  void missedDeadlineEndsTimedOut() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    RunReport report = result(wf);

    assertThat(report.outcome()).isEqualTo(RunbookState.TIMED_OUT);
    assertThat(report.durationMillis()).isGreaterThanOrEqualTo(Duration.ofHours(24).toMillis());
    assertThat(db.calls).containsExactly("detach " + PARTITION, "reattach " + PARTITION);
    assertThat(report.approvals()).singleElement().satisfies(a -> {
      assertThat(a.decision()).isEqualTo("TIMED_OUT");
      assertThat(a.approver()).isNull();
      assertThat(a.comment()).startsWith("no decision by the deadline ").endsWith("(0 of 1 approvals)");
    });
    assertThat(state(wf)).isEqualTo("TIMED_OUT");
  }

  @Test
  void perRequestTimeoutOverridesThePolicy() {
    GatedTestWorkflow wf = start(new GatedTestInput(PARTITION, false, REQUESTER, null, 600L, false));
    PendingApproval pending = awaitPending(wf, FIRST);

    RunReport report = result(wf);

    // The clock starts when the approval is asked, after the detach step.
    assertThat(Duration.between(report.startedAt(), pending.deadline()))
        .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(10).plusSeconds(5));
    assertThat(report.outcome()).isEqualTo(RunbookState.TIMED_OUT);
    assertThat(report.durationMillis()).isLessThan(Duration.ofHours(1).toMillis());
  }

  @Test
  void twoPersonNeedsTwoDistinctApprovers() throws Exception {
    approvals.policy = Fakes.policy(2, List.of(), false);
    GatedTestWorkflow wf = startAndAwaitApproval();

    DecisionResult first = wf.decide(approveBy("alice"));
    assertThat(first.outcome()).isEqualTo("PENDING");
    assertThat(first.message()).isEqualTo("approved by alice; 1 more approval needed");
    PendingApproval pending = wf.progress().pendingApprovals().get(0);
    assertThat(pending.approvedBy()).containsExactly("alice");
    assertThat(pending.approvalsNeeded()).isEqualTo(2);
    DecisionResult second = wf.decide(approveBy("bob"));

    assertThat(second).isEqualTo(new DecisionResult(FIRST, "APPROVED", List.of("alice", "bob"), 2,
        "approved by alice and bob"));
    RunReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.approvals()).extracting(ApprovalRecord::approver).containsExactly("alice", "bob");
    assertThat(report.steps().get(1).detail()).isEqualTo("approved by alice, bob");
    // Votes by signal and update, timers and activities: the history must replay as it ran.
    WorkflowReplayer.replayWorkflowExecution(env.getWorkflowClient().fetchHistory(WORKFLOW_ID), worker);
  }

  @Test
  void sameApproverTwiceIsRefused() {
    approvals.policy = Fakes.policy(2, List.of(), false);
    GatedTestWorkflow wf = startAndAwaitApproval();
    wf.decide(approveBy("alice"));

    Throwable again = catchThrowable(() -> wf.decide(approveBy("alice")));
    wf.approve(signal(FIRST, "alice", "me again"));

    assertThat(refusal(again)).isEqualTo("alice already voted on request " + FIRST);
    Progress p = await(wf, q -> !q.log().isEmpty());
    assertThat(p.log()).containsExactly("ignored signal: approve by alice for " + FIRST + ": alice already voted on request "
        + FIRST);
    assertThat(p.pendingApprovals().get(0).approvedBy()).containsExactly("alice");
    wf.approve(signal(FIRST, "carol", null));
    RunReport report = resultAfterDecision(wf, FIRST);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.approvals()).extracting(ApprovalRecord::approver).containsExactly("alice", "carol");
  }

  @Test
  void selfApprovalByRequesterIsRefused() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    Throwable self = catchThrowable(() -> wf.decide(approveBy(REQUESTER)));

    assertThat(refusal(self)).isEqualTo("dave requested this run and may not approve it");
    assertThat(wf.progress().pendingApprovals()).hasSize(1);
    wf.decide(approveBy("alice"));
    assertThat(result(wf).approvals()).extracting(ApprovalRecord::approver).containsExactly("alice");
  }

  @Test
  void approverWithoutRoleIsRefused() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    Throwable viewer = catchThrowable(() -> wf.decide(approveBy("victor")));
    Throwable stranger = catchThrowable(() -> wf.decide(approveBy("mallory")));
    Throwable nobody = catchThrowable(() -> wf.decide(approveBy(" ")));

    assertThat(refusal(viewer)).isEqualTo("victor has role(s) [viewer]; deciding needs one of [approver]");
    assertThat(refusal(stranger)).isEqualTo("mallory is not a configured approver");
    assertThat(refusal(nobody)).isEqualTo("no approver given");
    assertThat(wf.progress().pendingApprovals()).singleElement()
        .satisfies(a -> assertThat(a.approvedBy()).isEmpty());
  }

  @Test
  void unknownRequestIsRefused() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    Throwable unknown = catchThrowable(() -> wf.decide(new Decision("drop-partition-9", "alice", true, null, null)));

    assertThat(refusal(unknown)).isEqualTo("unknown request 'drop-partition-9'; pending: " + FIRST);
    assertThat(wf.progress().pendingApprovals()).hasSize(1);
  }

  @Test
  void invalidSignalIsIgnoredAndLogged() {
    GatedTestWorkflow wf = startAndAwaitApproval();

    wf.approve(signal(FIRST, "mallory", null));
    wf.approve(signal("bogus-1", "alice", null));
    wf.reject(signal(null, null, null));
    wf.approve(null);

    Progress p = await(wf, q -> q.log().size() == 4);
    assertThat(p.log()).containsExactly(
        "ignored signal: approve by mallory for " + FIRST + ": mallory is not a configured approver",
        "ignored signal: approve by alice for bogus-1: unknown request 'bogus-1'; pending: " + FIRST,
        "ignored signal: reject by (no approver): no approver given",
        "ignored signal: approve by (no approver): empty signal");
    assertThat(p.state()).isEqualTo(RunbookState.AWAITING_APPROVAL);
    wf.approve(signal(FIRST, "alice", null));
    RunReport report = resultAfterDecision(wf, FIRST);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.log()).hasSize(4).allMatch(line -> line.startsWith("ignored signal: "));
  }

  @Test
  void requestIdMayBeOmittedWhenOnePending() {
    approvals.policy = Fakes.policy(2, List.of(), false);
    GatedTestWorkflow wf = startAndAwaitApproval();

    DecisionResult byUpdate = wf.decide(new Decision(null, "alice", true, null, null));
    wf.approve(signal(null, "bob", null));

    assertThat(byUpdate.requestId()).isEqualTo(FIRST);
    RunReport report = resultAfterDecision(wf, FIRST);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.approvals()).extracting(ApprovalRecord::requestId, ApprovalRecord::approver)
        .containsExactly(tuple(FIRST, "alice"), tuple(FIRST, "bob"));
  }

  @Test
  void signedRunbookRefusesUnsignedAndAcceptsSigned() {
    approvals.policy = Fakes.policy(1, List.of(), true);
    GatedTestWorkflow wf = startAndAwaitApproval();
    PendingApproval pending = wf.progress().pendingApprovals().get(0);
    String digest = pending.planDigest();
    String runId = runId(wf);
    String forged = ApprovalSignatures.sign(Fakes.WRONG_KEY, WORKFLOW_ID, runId, FIRST, "alice",
        ApprovalSignatures.APPROVE, digest);
    String genuine = ApprovalSignatures.sign(Fakes.KEY, WORKFLOW_ID, runId, FIRST, "alice", ApprovalSignatures.APPROVE,
        digest);

    Throwable unsigned = catchThrowable(() -> wf.decide(approveBy("alice")));
    Throwable badSignature = catchThrowable(() -> wf.decide(new Decision(FIRST, "alice", true, null, forged)));
    wf.approve(new ApprovalSignal(FIRST, "alice", null, null));
    DecisionResult signed = wf.decide(new Decision(FIRST, "alice", true, "signed by the API", genuine));

    assertThat(pending.howToApprove()).singleElement().asString().contains("must be signed", "approvals page");
    assertThat(refusal(unsigned)).startsWith("this runbook requires signed decisions and the vote of alice is unsigned");
    assertThat(refusal(badSignature)).isEqualTo("the signature on the APPROVE by alice is not valid for request "
        + FIRST + " of this run and its plan");
    assertThat(signed.outcome()).isEqualTo("APPROVED");
    assertThat(approvals.verified).extracting(v -> v.signature()).containsExactly(forged, genuine);
    RunReport report = result(wf);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.log()).hasSize(2);
    assertThat(report.log().get(0)).startsWith("refused update: decide by alice for " + FIRST + ": the signature");
    assertThat(report.log().get(1)).startsWith("ignored signal: approve by alice for " + FIRST
        + ": this runbook requires signed decisions");
    assertThat(report.approvals()).extracting(ApprovalRecord::approver, ApprovalRecord::comment)
        .containsExactly(tuple("alice", "signed by the API"));
  }

  @Test
  void signatureGivenToAnEarlierRunOfTheSameWorkflowIdIsRefusedInTheNewRun() {
    approvals.policy = Fakes.policy(1, List.of(), true);
    GatedTestWorkflow first = startAndAwaitApproval();
    String digest = first.progress().pendingApprovals().get(0).planDigest();
    String givenToFirstRun = ApprovalSignatures.sign(Fakes.KEY, WORKFLOW_ID, runId(first), FIRST, "alice",
        ApprovalSignatures.APPROVE, digest);
    WorkflowStub.fromTyped(first).terminate("operator restarts the runbook");

    GatedTestWorkflow second = startAndAwaitApproval();
    assertThat(second.progress().pendingApprovals().get(0).planDigest()).isEqualTo(digest);
    Throwable replayed = catchThrowable(() -> second.decide(new Decision(FIRST, "alice", true, null, givenToFirstRun)));
    second.approve(new ApprovalSignal(FIRST, "alice", "replayed by signal", givenToFirstRun));
    await(second, p -> p.log() != null && p.log().size() >= 2);

    assertThat(refusal(replayed)).isEqualTo("the signature on the APPROVE by alice is not valid for request "
        + FIRST + " of this run and its plan");
    assertThat(second.progress().pendingApprovals()).extracting(PendingApproval::requestId).containsExactly(FIRST);
    String genuine = ApprovalSignatures.sign(Fakes.KEY, WORKFLOW_ID, runId(second), FIRST, "alice",
        ApprovalSignatures.APPROVE, digest);
    assertThat(second.decide(new Decision(FIRST, "alice", true, "signed for this run", genuine)).outcome())
        .isEqualTo("APPROVED");
    RunReport report = result(second);
    assertThat(report.outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(report.log()).hasSize(2).allSatisfy(line -> assertThat(line).contains("alice for " + FIRST,
        "not valid for request " + FIRST + " of this run"));
    assertThat(report.approvals()).extracting(ApprovalRecord::comment).containsExactly("signed for this run");
  }

  @Test
  void signatureForAnotherRequestOfTheSameRunIsRefused() {
    approvals.policy = Fakes.policy(1, List.of(), true);
    GatedTestWorkflow wf = startAndAwaitApproval();
    String digest = wf.progress().pendingApprovals().get(0).planDigest();
    String forOtherRequest = ApprovalSignatures.sign(Fakes.KEY, WORKFLOW_ID, runId(wf), "drop-partition-2", "alice",
        ApprovalSignatures.APPROVE, digest);

    Throwable refused = catchThrowable(() -> wf.decide(new Decision(FIRST, "alice", true, null, forOtherRequest)));

    assertThat(refusal(refused)).contains("not valid for request " + FIRST + " of this run");
    assertThat(wf.progress().pendingApprovals()).extracting(PendingApproval::requestId).containsExactly(FIRST);
    assertThat(wf.progress().log()).singleElement().asString().startsWith("refused update: decide by alice for "
        + FIRST + ": the signature");
  }

  static String runId(GatedTestWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getExecution().getRunId();
  }

  static String digestOf(long rows) {
    return ApprovalRequest.of(GatedTestWorkflowImpl.STEP, "drop partition " + PARTITION, PARTITION,
        Map.of("rows", String.valueOf(rows), "archive", "s3://archive/" + PARTITION + ".csv.zst")).planDigest();
  }
}
