package io.pgrunbooks.workflows.restoredrill;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code RestoreDrill}: {@code {"cluster": "main", "targetTime": "2026-12-06T14:02:00Z", "database": "app"}}.
 *
 * @param cluster configured cluster with a {@code pgbackrest} section (required)
 * @param targetTime ISO-8601 instant to restore to (with offset, e.g. {@code 2026-12-06T14:02:00Z}); default the
 *     newest point: the drill writes its own sentinels and restores to the moment between them
 * @param database database of the sentinels and row checks; default the cluster's first configured database,
 *     else {@code postgres}
 */
public record RestoreDrillInput(String cluster, String targetTime, String database, boolean dryRun,
                                String requestedBy, String reason) implements RunbookInput {

  public static RestoreDrillInput of(String cluster, String targetTime, String database) {
    return new RestoreDrillInput(cluster, targetTime, database, false, null, null);
  }
}
