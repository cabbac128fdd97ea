package io.pgrunbooks.workflows.lock;

/**
 * Sent by the per-cluster topology lock workflow to a run that asked for the lock.
 *
 * @param granted true when the asker now holds the lock
 * @param holderWorkflowId when refused: the run holding the lock
 * @param holderRunbook when refused: its runbook type
 * @param holderSince when refused: since when it holds the lock (ISO-8601)
 */
public record LockResponse(String lockId, boolean granted, String holderWorkflowId, String holderRunbook,
                           String holderSince) {}
