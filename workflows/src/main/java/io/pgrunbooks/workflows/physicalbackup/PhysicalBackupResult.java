package io.pgrunbooks.workflows.physicalbackup;

import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code PhysicalBackup}.
 *
 * @param node the node whose agent ran {@code pgbackrest backup}
 * @param backup the new backup as {@code pgbackrest info} lists it; null in a dry run
 * @param expired labels of the full backups {@code expire --set} removed (with their dependents)
 * @param standby the replica the data files were copied from ({@code --backup-standby}); null when they came from
 *     the primary {@code node}
 */
public record PhysicalBackupResult(RunReport report, String node, PgBackRestBackup backup, List<String> expired,
                                   String standby) {
  /** A result of a backup from the primary. */
  public PhysicalBackupResult(RunReport report, String node, PgBackRestBackup backup, List<String> expired) {
    this(report, node, backup, expired, null);
  }
}
