package io.pgrunbooks.config;

/**
 * A standing approval: the step of the runbook runs without waiting for a person when it acts on
 * this target, and the run's report says so ("pre-approved by config approvals.preApprovals[i]").
 *
 * @param runbook workflow type, e.g. ArchivePartition
 * @param step the approval gate's step name, e.g. drop-partition
 * @param target the run's target the approval is limited to (exact match, e.g. {@code
 *     public.agent_routing_metrics}), or {@code *} for every target of the runbook
 */
public record PreApprovalConfig(String runbook, String step, String target) {
  /** Target that matches every target of the runbook. */
  public static final String ANY_TARGET = "*";

  /** Whether this entry pre-approves steps of {@code runbook} acting on {@code target}. */
  public boolean matches(String runbook, String target) {
    return this.runbook != null && this.runbook.equals(runbook)
        && (ANY_TARGET.equals(this.target) || (this.target != null && this.target.equals(target)));
  }
}
