package io.pgrunbooks.workflows.lock;

/** Input of {@link LockActivities#releaseLock}: deliver {@code release} to the topology lock of {@code cluster}. */
public record LockReleaseInput(String cluster, LockRelease release) {}
