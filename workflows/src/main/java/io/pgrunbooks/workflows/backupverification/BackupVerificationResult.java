package io.pgrunbooks.workflows.backupverification;

import io.pgrunbooks.workflows.backup.AmcheckResult;
import io.pgrunbooks.workflows.backup.RestoreResult;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code BackupVerification} (also the details of its failure when it did not pass).
 *
 * @param passed checksum, restore, every exact count and pg_amcheck all good
 * @param reason why it did not pass; null when it passed
 * @param backupAgeSeconds age of the verified backup's snapshot when verification ended
 * @param differences one line per table whose restored count differs from the manifest
 * @param scratchDropped the scratch database was dropped (or never created)
 */
public record BackupVerificationResult(RunReport report, String backupKey, boolean passed, String reason,
                                       long backupAgeSeconds, RestoreResult restore, List<String> differences,
                                       AmcheckResult amcheck, String scratchDatabase, boolean scratchDropped) {}
