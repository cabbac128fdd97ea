package io.pgrunbooks.config;

/**
 * A standing approval: the step of the runbook runs without waiting for a person when it acts on
 * this target, and the run's report says so.
 *
 * @param runbook workflow type, e.g. PartitionMaintenance
 * @param step step name as shown in the run's progress
 * @param target the target the approval is limited to, e.g. {@code main:app:public.events}
 */
public record PreApprovalConfig(String runbook, String step, String target) {}
