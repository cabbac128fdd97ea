package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.common.RunReport;

/**
 * Result of {@code Failover}.
 *
 * @param mode "switchover" (the old primary answered: zero loss) or "failover" (it did not)
 * @param primaryNow the node that is primary behind PgBouncer at the end
 * @param possibleLossBytes the figure the approvers approved; 0 for a switchover
 * @param possibleLossSeconds its estimate in seconds, -1 when it cannot be estimated
 * @param fenceConfirmed failover only: whether the old primary was confirmed stopped (true for a switchover)
 * @param timeline the new primary's timeline
 * @param timeToPromoteMillis from the stop (or fence) of the old primary until the first successful write on the new one
 */
public record FailoverResult(RunReport report, String mode, String oldPrimary, String primaryNow,
                             long possibleLossBytes, double possibleLossSeconds, boolean fenceConfirmed, int timeline,
                             long timeToPromoteMillis) {}
