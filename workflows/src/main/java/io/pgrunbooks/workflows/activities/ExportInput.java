package io.pgrunbooks.workflows.activities;

/**
 * Export the detached partition {@code ref} to the archive bucket. {@code runId} is part of the object keys
 * ({@code .../<partition>/run-<runId>/}), so each run has its own location and its retries find it again.
 */
public record ExportInput(PartitionRef ref, String runId) {}
