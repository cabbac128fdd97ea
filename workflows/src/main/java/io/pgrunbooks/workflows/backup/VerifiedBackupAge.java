package io.pgrunbooks.workflows.backup;

import java.time.Instant;

/**
 * The newest verified backup of one database, for HealthCheck.
 *
 * @param newestVerifiedAt snapshot time of the newest backup whose verification passed; null when none did
 * @param maxAgeHours {@code backup.maxVerifiedAgeHours}
 */
public record VerifiedBackupAge(String database, String newestVerifiedKey, Instant newestVerifiedAt, int maxAgeHours) {}
