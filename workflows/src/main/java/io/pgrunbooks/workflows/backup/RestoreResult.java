package io.pgrunbooks.workflows.backup;

/**
 * What {@code restore} did.
 *
 * @param target host:port of the verification instance
 * @param restoredBytes {@code pg_database_size} of the scratch database after the restore
 */
public record RestoreResult(String target, long downloadedBytes, String sha256, double downloadSeconds,
                            double restoreSeconds, long restoredBytes) {}
