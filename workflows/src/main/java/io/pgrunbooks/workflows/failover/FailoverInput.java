package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code Failover}: {@code {"cluster": "main", "promote": "pg2", "reason": "pg1 host lost"}}.
 *
 * @param cluster configured cluster name (required)
 * @param promote the replica to promote (required)
 * @param force promote even when the candidate is not streaming or its replay trails its received WAL by more than
 *     {@code failover.maxReplayGapBytes}; the report says so
 * @param reason why (required: it goes to the approvers and the audit trail)
 */
public record FailoverInput(String cluster, String promote, boolean force, String reason, String requestedBy,
                            boolean dryRun) implements RunbookInput {

  public static FailoverInput of(String cluster, String promote, String reason) {
    return new FailoverInput(cluster, promote, false, reason, null, false);
  }
}
