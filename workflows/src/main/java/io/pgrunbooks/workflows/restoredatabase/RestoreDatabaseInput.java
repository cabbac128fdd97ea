package io.pgrunbooks.workflows.restoredatabase;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code RestoreDatabase}: {@code {"cluster": "main", "database": "app", "targetDatabase": "app_restored"}}.
 *
 * @param database the database whose {@code Backup} is restored (and, with {@code swap}, replaced)
 * @param targetDatabase the new database the backup is restored into; must not exist
 * @param backupKey the backup folder; null = the newest complete backup of {@code database}
 * @param swap after the restore verified: rename {@code database} away and {@code targetDatabase} into its place
 *     (approval, PgBouncer paused meanwhile)
 */
public record RestoreDatabaseInput(String cluster, String database, String targetDatabase, String backupKey,
                                   boolean swap, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {

  public static RestoreDatabaseInput of(String cluster, String database, String targetDatabase) {
    return new RestoreDatabaseInput(cluster, database, targetDatabase, null, false, false, null, null);
  }

  public RestoreDatabaseInput withSwap() {
    return new RestoreDatabaseInput(cluster, database, targetDatabase, backupKey, true, dryRun, requestedBy, reason);
  }
}
