package io.pgrunbooks.workflows.lock;

/**
 * A run asks the cluster's topology lock for the lock ({@code acquire} signal).
 *
 * @param lockId unique per request (deterministic in the requester); the answer and the release carry it
 * @param requesterWorkflowId workflow id of the asking run; the answer is signalled there
 * @param requesterRunId run id of the asking run: the lock checks this exact run is still alive
 * @param requesterRunbook runbook type of the asking run, e.g. {@code ReplicaRebuild}
 * @param parentWorkflowId workflow id of the asking run's parent, null for a top-level run;
 *     a child of a holder shares its lock
 * @param reason why the run wants the lock, for the lock's log
 */
public record LockRequest(String lockId, String requesterWorkflowId, String requesterRunId, String requesterRunbook,
                          String parentWorkflowId, String reason) {}
