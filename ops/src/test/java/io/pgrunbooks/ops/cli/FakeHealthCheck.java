package io.pgrunbooks.ops.cli;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.approval.ApprovalSignatures;
import io.pgrunbooks.workflows.approval.Decision;
import io.pgrunbooks.workflows.approval.DecisionResult;
import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.healthcheck.HealthCheckInput;
import io.pgrunbooks.workflows.healthcheck.HealthCheckResult;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflow;
import io.pgrunbooks.workflows.healthcheck.HealthStatus;
import io.pgrunbooks.workflows.lock.LockResponse;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test-only implementation of the real {@link HealthCheckWorkflow} interface (type {@code HealthCheck}),
 * with a minimal fake of the approval gate: enough for the CLI's start, status, list and decide paths.
 * Behaviour is chosen by the cluster name: {@code fail-*} fails, {@code gated-*} waits for one
 * approval, {@code gated2-*} for two (listing no commands of its own), {@code signed-*} for one
 * approval that must be signed with {@link #SIGNING_KEY}; anything else completes at once.
 */
public class FakeHealthCheck implements HealthCheckWorkflow {
  static final String SIGNING_KEY = "cli-test-signing-key-0123456789";

  private final List<StepRecord> steps = new ArrayList<>();
  private final List<PendingApproval> pending = new ArrayList<>();
  private final List<ApprovalRecord> decisions = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private RunbookState state = RunbookState.RUNNING;
  private String currentStep = "inspect";
  private String requestedBy;
  private boolean signed;
  private boolean rejected;

  @Override
  public HealthCheckResult run(HealthCheckInput in) {
    String cluster = in.cluster();
    requestedBy = in.requestedBy();
    signed = cluster.startsWith("signed");
    Instant t0 = now();
    Workflow.upsertTypedSearchAttributes(SearchAttributes.TYPE.valueSet("HealthCheck"),
        SearchAttributes.CLUSTER.valueSet(cluster), SearchAttributes.TARGET.valueSet(cluster));
    setState(RunbookState.RUNNING);
    if (cluster.startsWith("fail")) {
      throw ApplicationFailure.newNonRetryableFailure("cluster " + cluster + " has no reachable primary", "NoPrimary");
    }
    steps.add(new StepRecord("inspect", StepRecord.DONE, t0, now(), "2 nodes answered"));
    int gates = cluster.startsWith("gated2") ? 2 : cluster.startsWith("gated") || signed ? 1 : 0;
    for (int i = 1; i <= gates; i++) {
      String id = "drop-" + i;
      List<String> how = gates == 2 ? List.of()
          : List.of("runbooks approve " + Workflow.getInfo().getWorkflowId() + " --request " + id + " --as <name>");
      pending.add(new PendingApproval(id, "drop partition public.t_2025_0" + i, cluster,
          Map.of("rows", "42", "sha256", "abc123"), "digest-" + i, 1, List.of(), List.of("dba"),
          now().plus(Duration.ofHours(1)), how));
    }
    if (gates > 0) {
      currentStep = "approval";
      steps.add(new StepRecord("approval", StepRecord.RUNNING, now(), null, "waiting for a dba"));
      setState(RunbookState.AWAITING_APPROVAL);
      Workflow.await(() -> pending.isEmpty() || rejected);
    }
    currentStep = null;
    RunbookState outcome = rejected ? RunbookState.REJECTED : RunbookState.COMPLETED;
    setState(outcome);
    String summary = rejected ? "rejected; nothing dropped"
        : "cluster " + cluster + " is HEALTHY" + (requestedBy == null ? "" : " (requested by " + requestedBy + ")")
            + (in.dryRun() ? " [dry run]" : "") + (in.reason() == null ? "" : " because " + in.reason());
    RunReport report = new RunReport("HealthCheck", cluster, cluster, in.dryRun(), outcome, summary, steps,
        decisions, List.of(), List.of(), log, t0, now(), Duration.between(t0, now()).toMillis());
    return new HealthCheckResult(report, HealthStatus.HEALTHY, "pg1", List.of(), List.of());
  }

  @Override
  public Progress progress() {
    return new Progress(state, currentStep, steps, pending, decisions, log);
  }

  @Override
  public void validateDecide(Decision d) {
    String refusal = refusal(d.requestId(), d.approver(), d.approve(), d.signature());
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  @Override
  public DecisionResult decide(Decision d) {
    record(d.requestId(), d.approver(), d.approve(), d.comment());
    String outcome = d.approve() ? "APPROVED" : "REJECTED";
    return new DecisionResult(d.requestId(), outcome, d.approve() ? List.of(d.approver()) : List.of(), 1,
        outcome.toLowerCase() + " by " + d.approver());
  }

  @Override
  public void approve(ApprovalSignal s) {
    signal(s, true);
  }

  @Override
  public void reject(ApprovalSignal s) {
    signal(s, false);
  }

  @Override
  public void lockResponse(LockResponse response) {}

  private void signal(ApprovalSignal s, boolean approve) {
    String refusal = refusal(s.requestId(), s.approver(), approve, s.signature());
    if (refusal != null) {
      log.add("ignored signal: " + refusal);
    } else {
      record(s.requestId(), s.approver(), approve, s.comment());
    }
  }

  private String refusal(String requestId, String approver, boolean approve, String signature) {
    PendingApproval p = find(requestId);
    if (p == null) {
      return "unknown or already decided request " + requestId;
    }
    if (approver.equals(requestedBy)) {
      return approver + " requested this run and cannot approve it";
    }
    if (signed && !ApprovalSignatures.verify(SIGNING_KEY.getBytes(StandardCharsets.UTF_8),
        Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId(), requestId, approver,
        approve ? ApprovalSignatures.APPROVE : ApprovalSignatures.REJECT, p.planDigest(), signature)) {
      return "decisions on this runbook must be signed; the signature is missing or wrong";
    }
    return null;
  }

  private void record(String requestId, String approver, boolean approve, String comment) {
    PendingApproval p = find(requestId);
    pending.remove(p);
    decisions.add(new ApprovalRecord(requestId, p.action(), approver, now(), approve ? "APPROVED" : "REJECTED",
        comment));
    rejected |= !approve;
  }

  private PendingApproval find(String requestId) {
    return pending.stream().filter(p -> p.requestId().equals(requestId)).findFirst().orElse(null);
  }

  private void setState(RunbookState s) {
    state = s;
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STATE.valueSet(s.name()));
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
