package io.pgrunbooks.workflows.backupverification;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code BackupVerification}: {@code {"cluster": "main", "database": "app"}}.
 *
 * @param backupKey the backup folder to verify; null for the newest complete backup
 */
public record BackupVerificationInput(String cluster, String database, String backupKey, boolean dryRun,
                                      String requestedBy, String reason) implements RunbookInput {

  public static BackupVerificationInput of(String cluster, String database, String backupKey) {
    return new BackupVerificationInput(cluster, database, backupKey, false, null, null);
  }
}
