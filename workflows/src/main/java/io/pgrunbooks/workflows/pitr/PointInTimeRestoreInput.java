package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code PointInTimeRestore}:
 * {@code {"cluster": "main", "targetTime": "2026-12-06T14:01:59Z", "into": "scratch", "keepFor": "24h"}}.
 *
 * @param cluster configured cluster with a {@code pgbackrest} section (required)
 * @param targetTime ISO-8601 instant with an offset to recover to (exactly one of the three targets)
 * @param targetLsn WAL location to recover to, e.g. {@code 0/5000060}
 * @param targetName restore point made with {@code pg_create_restore_point('before-migration')}
 * @param into {@code scratch} (default): a new instance beside the primary; {@code node}: replace a replica's data
 *     directory, left paused at the target; {@code inPlace}: the whole cluster back to the target (two approvers)
 * @param node the replica to replace, only with {@code into: node}
 * @param keepFor how long a scratch instance stays up ({@code 24h} default; {@code 30m}, {@code 2d}, ISO {@code PT8H});
 *     the {@code release} signal removes it earlier
 */
public record PointInTimeRestoreInput(String cluster, String targetTime, String targetLsn, String targetName,
                                      String into, String node, String keepFor, boolean dryRun, String requestedBy,
                                      String reason) implements RunbookInput {

  public static PointInTimeRestoreInput toTime(String cluster, String targetTime) {
    return new PointInTimeRestoreInput(cluster, targetTime, null, null, null, null, null, false, null, null);
  }
}
