package io.pgrunbooks.workflows.lock;

import java.time.Instant;
import java.util.List;

/**
 * What a topology lock remembers, carried across continue-as-new.
 *
 * @param holders current holdings, the owner first
 * @param recent the lock's latest log lines, oldest first (bounded)
 * @param refusals answers of the latest refusals (bounded), so that a repeated request gets the same "no"
 */
public record LockState(List<Holding> holders, List<LockEvent> recent, List<LockResponse> refusals) {

  /**
   * One granted request.
   *
   * @param shared true for a child run (or a second request of the same run) sharing the owner's lock
   */
  public record Holding(String lockId, String workflowId, String runId, String runbook, Instant since, String reason,
                        boolean shared) {

    LockHolder asHolder() {
      return new LockHolder(workflowId, runbook, since, lockId);
    }

    /** "ReplicaRebuild run replica-rebuild:main:pg2". */
    String describe() {
      return runbook + " run " + workflowId;
    }
  }
}
