package io.pgrunbooks.workflows.backup;

import java.time.Instant;

/**
 * The newest verified backup of one database, for HealthCheck.
 *
 * @param newestVerifiedAt snapshot time of the newest backup whose verification passed; null when none did
 * @param maxAgeHours {@code backup.maxVerifiedAgeHours}
 * @param newestBackupAt snapshot time of the newest complete backup, verified or not; null when none (or in runs
 *     recorded before it was reported)
 * @param lastVerifiedAt when the last verification that passed ran; null when none did
 */
public record VerifiedBackupAge(String database, String newestVerifiedKey, Instant newestVerifiedAt, int maxAgeHours,
                                Instant newestBackupAt, Instant lastVerifiedAt) {

  public VerifiedBackupAge(String database, String newestVerifiedKey, Instant newestVerifiedAt, int maxAgeHours) {
    this(database, newestVerifiedKey, newestVerifiedAt, maxAgeHours, null, null);
  }
}
