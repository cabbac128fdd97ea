package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of the test runbook.
 *
 * @param timeoutSeconds per-request timeout override; null for the policy's
 * @param gateInDryRun make a dry run ask for approval anyway (the gate must refuse)
 */
public record GatedTestInput(String partition, boolean dryRun, String requestedBy, String reason, Long timeoutSeconds,
                             boolean gateInDryRun) implements RunbookInput {

  public static GatedTestInput of(String partition, String requestedBy) {
    return new GatedTestInput(partition, false, requestedBy, "test", null, false);
  }

  public GatedTestInput dry() {
    return new GatedTestInput(partition, true, requestedBy, reason, timeoutSeconds, false);
  }

  public GatedTestInput dryButAsking() {
    return new GatedTestInput(partition, true, requestedBy, reason, timeoutSeconds, true);
  }
}
