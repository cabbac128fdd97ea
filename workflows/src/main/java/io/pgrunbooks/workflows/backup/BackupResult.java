package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code Backup}.
 *
 * @param backupKey the new backup's folder; null in a dry run
 * @param manifest its manifest; null in a dry run
 * @param deleted backup folders retention deleted
 */
public record BackupResult(RunReport report, String backupKey, BackupManifest manifest, String source,
                           List<String> deleted) {}
