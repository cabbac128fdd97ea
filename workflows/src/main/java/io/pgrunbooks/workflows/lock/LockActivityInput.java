package io.pgrunbooks.workflows.lock;

/** Input of {@link LockActivities#requestLock}: deliver {@code request} to the topology lock of {@code cluster}. */
public record LockActivityInput(String cluster, LockRequest request) {}
