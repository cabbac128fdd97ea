package io.pgrunbooks.workflows.failoverdrill;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code FailoverDrill}: {@code {"cluster": "main"}} (the schedule's input).
 *
 * @param replica the replica to switch over to; null: the healthiest streaming replica
 * @param switchBack switch over again at the end to restore the original roles (null: true)
 * @param window when the drill window opens: an ISO-8601 instant ({@code 2026-12-06T03:00:00Z}) or a duration after
 *     the run's start ({@code PT6H}); null: {@code failover.drill.window} of the config. The approval must arrive
 *     before it, otherwise the drill is SKIPPED
 */
public record FailoverDrillInput(String cluster, String replica, Boolean switchBack, String window, String requestedBy,
                                 String reason, boolean dryRun) implements RunbookInput {

  public static FailoverDrillInput of(String cluster) {
    return new FailoverDrillInput(cluster, null, null, null, null, null, false);
  }

  public boolean switchesBack() {
    return switchBack == null || switchBack;
  }
}
