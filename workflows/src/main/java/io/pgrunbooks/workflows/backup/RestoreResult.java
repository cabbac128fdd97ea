package io.pgrunbooks.workflows.backup;

/**
 * What {@code restore} did.
 *
 * @param target host:port of the verification instance
 * @param restoredBytes {@code pg_database_size} of the scratch database after the restore
 * @param streamed the dump was piped into a one-job {@code pg_restore} instead of written to a temporary file (no
 *     parallelism asked for, or no disk headroom for the file); then {@code downloadSeconds} is part of the restore
 */
public record RestoreResult(String target, long downloadedBytes, String sha256, double downloadSeconds,
                            double restoreSeconds, long restoredBytes, boolean streamed) {}
