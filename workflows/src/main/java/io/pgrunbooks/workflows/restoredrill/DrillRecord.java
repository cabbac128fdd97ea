package io.pgrunbooks.workflows.restoredrill;

import java.util.List;

/**
 * One restore drill in the cluster's drill history ({@link DrillHistory}): written by every drill that got as far as
 * a verdict, passed or failed, and read by {@code GET /api/v1/insights/restore-drills}.
 *
 * @param cluster the cluster drilled
 * @param startedAt when the run started (ISO-8601, UTC)
 * @param backupLabel the pgBackRest backup restored
 * @param target the recovery target ({@code 2026-12-06 14:02:00.123456+00})
 * @param rtoSeconds seconds from the start of the restore to a queryable instance; -1 when it never got there
 * @param rpoSeconds age of the newest archived WAL when the drill started; -1 when none was archived
 * @param passed every check passed
 * @param failedChecks names of the checks that failed (objectives included)
 * @param workflowId the drill's workflow id
 * @param runId the drill's run id
 */
public record DrillRecord(String cluster, String startedAt, String backupLabel, String target, double rtoSeconds,
                          long rpoSeconds, boolean passed, List<String> failedChecks, String workflowId, String runId) {
  public DrillRecord {
    failedChecks = failedChecks == null ? List.of() : List.copyOf(failedChecks);
  }
}
