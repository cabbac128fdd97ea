package io.pgrunbooks.workflows.poolexhausted;

import io.pgrunbooks.workflows.activities.PgBouncerStatsActivities.PoolStats;
import io.pgrunbooks.workflows.common.RunReport;

/**
 * Result of {@code PoolExhausted}.
 *
 * @param relief what was proposed: NONE (no client waits), TERMINATE, RESIZE or NO_RELIEF (nothing safe to propose)
 * @param plan the proposal in words, with its numbers
 * @param before the entry when the run started
 * @param after the entry after the relief (null when nothing was done)
 * @param child the workflow id of the child run that acted (null when none ran)
 * @param childOutcome how that child ended (COMPLETED, REJECTED, ...), null when none ran
 */
public record PoolExhaustedResult(RunReport report, PoolExhaustionPlanner.Relief relief, String plan,
                                  PoolStats before, PoolStats after, String child, String childOutcome) {}
