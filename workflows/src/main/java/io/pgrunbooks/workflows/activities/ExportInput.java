package io.pgrunbooks.workflows.activities;

/** Export the detached partition {@code ref} to the archive bucket; {@code runId} goes into the object's metadata. */
public record ExportInput(PartitionRef ref, String runId) {}
