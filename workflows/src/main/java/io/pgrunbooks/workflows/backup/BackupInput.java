package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code Backup}: {@code {"cluster": "main", "database": "app"}}.
 *
 * @param cluster configured cluster name (required)
 * @param database database to back up (required)
 */
public record BackupInput(String cluster, String database, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {

  public static BackupInput of(String cluster, String database) {
    return new BackupInput(cluster, database, false, null, null);
  }
}
