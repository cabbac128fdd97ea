package io.pgrunbooks.workflows.lock;

/**
 * A holder gives the lock back ({@code release} signal). Ignored unless both fields match a
 * current holding, so a stray or repeated release cannot free someone else's lock.
 */
public record LockRelease(String lockId, String requesterWorkflowId) {}
