package io.pgrunbooks.workflows.activities;

/**
 * Drop the detached table {@code ref} only if, under an exclusive lock in the dropping transaction, its
 * canonical CSV has exactly {@code expectedRows} rows and the SHA-256 {@code expectedSha256} (the
 * manifest's {@code sha256Uncompressed}). A null hash never drops (no proof).
 */
public record DropPartitionInput(PartitionRef ref, long expectedRows, String archiveUri, String expectedSha256) {}
