package io.pgrunbooks.workflows.approval;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a runbook asks approval for, given to {@link ApprovalGate#request}.
 *
 * @param step the gate's step name ("drop-partition"); pre-approvals in config name it, request ids start with it
 * @param action what will happen, in words ("drop partition public.x_2025_01")
 * @param target what it acts on; pre-approvals match it (or "*")
 * @param evidence facts the approver judges by (row counts, checksums, lag), shown in the given order
 * @param planDigest digest of the plan the approval is bound to (see {@link PlanDigest}); when null, the
 *     digest of step, action, target and evidence
 * @param timeoutOverride how long to wait for a decision instead of the policy's timeout; null for the policy's
 */
public record ApprovalRequest(String step, String action, String target, Map<String, String> evidence,
                              String planDigest, Duration timeoutOverride) {
  public ApprovalRequest {
    if (step == null || step.isBlank() || action == null || action.isBlank()) {
      throw new IllegalArgumentException("an approval request needs a step and an action");
    }
    evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    if (planDigest == null) {
      planDigest = PlanDigest.of(step, action, String.valueOf(target), PlanDigest.of(evidence));
    }
  }

  /** A request whose plan digest covers step, action, target and evidence. */
  public static ApprovalRequest of(String step, String action, String target, Map<String, String> evidence) {
    return new ApprovalRequest(step, action, target, evidence, null, null);
  }

  public ApprovalRequest withTimeout(Duration timeout) {
    return new ApprovalRequest(step, action, target, evidence, planDigest, timeout);
  }

  public ApprovalRequest withPlanDigest(String digest) {
    return new ApprovalRequest(step, action, target, evidence, digest, timeoutOverride);
  }
}
