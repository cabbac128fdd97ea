package io.pgrunbooks.workflows.physicalbackup;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code PhysicalBackup}: {@code {"cluster": "main", "type": "full"}}.
 *
 * @param cluster configured cluster with a {@code pgbackrest} section (required)
 * @param type {@code full}, {@code diff} or {@code incr}; default incr, and full whenever the repository
 *     holds no full backup yet
 */
public record PhysicalBackupInput(String cluster, String type, boolean dryRun, String requestedBy, String reason)
    implements RunbookInput {

  public static PhysicalBackupInput of(String cluster, String type) {
    return new PhysicalBackupInput(cluster, type, false, null, null);
  }
}
