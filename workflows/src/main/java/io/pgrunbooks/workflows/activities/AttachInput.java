package io.pgrunbooks.workflows.activities;

/** Attach {@code ref} to its parent {@code FOR VALUES ...} as {@code boundSpec} says. */
public record AttachInput(PartitionRef ref, String boundSpec) {}
