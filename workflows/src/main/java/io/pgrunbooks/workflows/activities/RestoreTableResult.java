package io.pgrunbooks.workflows.activities;

/** @param oid the new table's oid; {@code alreadyRestored} when a retry found this run's committed table */
public record RestoreTableResult(long oid, long rows, long compressedBytes, String sha256Compressed,
                                 String sha256Uncompressed, boolean alreadyRestored) {}
