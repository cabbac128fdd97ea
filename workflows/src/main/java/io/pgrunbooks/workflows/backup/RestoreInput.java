package io.pgrunbooks.workflows.backup;

/**
 * Input of {@code restore}.
 *
 * @param jobs {@code pg_restore --jobs}
 */
public record RestoreInput(String cluster, String database, String dumpKey, String expectedSha256,
                           long expectedBytes, String scratchDatabase, int jobs) {}
