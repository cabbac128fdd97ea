package io.pgrunbooks.workflows.backup;

/**
 * A scratch database on the verification target of {@code cluster} ({@code backup.verificationTargets}); a null
 * cluster (runs from before per-cluster targets) means the default {@code backup.verification}.
 */
public record ScratchInput(String scratchDatabase, String cluster) {}
