package io.pgrunbooks.workflows.activities;

/** Drop the detached table {@code ref} only if, under an exclusive lock, it holds exactly {@code expectedRows}. */
public record DropPartitionInput(PartitionRef ref, long expectedRows, String archiveUri) {}
