package io.pgrunbooks.workflows.failoverdrill;

import io.pgrunbooks.workflows.common.RunReport;
import java.time.Instant;
import java.util.List;

/**
 * Result of {@code FailoverDrill}, also stored as report.json (with report.md) under
 * {@code <prefix>/drills/<cluster>/<date>/}. The approvals page charts {@code writeUnavailableMillis},
 * {@code timeToPromoteMillis} and {@code passed} of completed drills.
 *
 * @param outcome PASSED, FAILED (a criterion failed), SKIPPED (not approved before its window), REJECTED
 * @param writeUnavailableMillis the worst phase's write unavailability as the clients saw it
 * @param timeToPromoteMillis the worst phase's time to promote
 * @param replicationMillis the worst phase's time until replication was re-established
 * @param issues what went wrong or was odd on the way
 * @param reportKeys S3 keys of report.json and report.md (empty when not stored)
 */
public record FailoverDrillResult(RunReport report, String drillId, String cluster, String outcome, boolean passed,
                                  Instant startedAt, List<DrillCriterion> criteria, long writeUnavailableMillis,
                                  long timeToPromoteMillis, int probeErrors, long replicationMillis, long totalMillis,
                                  List<DrillPhase> phases, List<String> issues, List<String> reportKeys) {}
