package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code PoolResize}: {@code {"cluster": "main", "database": "app", "poolSize": 40, "revertAfter": "2h"}}.
 *
 * @param database the PgBouncer {@code [databases]} entry (required)
 * @param poolSize its new {@code pool_size} (required, at least 1, within the primary's headroom)
 * @param reservePoolSize its new {@code reserve_pool}; absent keeps it
 * @param revertAfter put the old sizes back after this long ({@code 30m}, {@code 2h}, ISO {@code PT2H}); absent keeps
 *     the new size
 * @param delegatedApproval set by a parent runbook (PoolExhausted) whose approval covers this run; counts only when
 *     this run really is that parent's child and its entry, sizes and revertAfter are the approved ones
 */
public record PoolResizeInput(String cluster, String database, Integer poolSize, Integer reservePoolSize,
                              String revertAfter, boolean dryRun, String requestedBy, String reason,
                              DelegatedApproval delegatedApproval) implements RunbookInput {

  /** An input without a delegated approval (every run not started by a parent runbook). */
  public PoolResizeInput(String cluster, String database, Integer poolSize, Integer reservePoolSize,
                         String revertAfter, boolean dryRun, String requestedBy, String reason) {
    this(cluster, database, poolSize, reservePoolSize, revertAfter, dryRun, requestedBy, reason, null);
  }

  /** The line a delegation's scope must hold for this resize ({@link DelegatedApproval#scope}). */
  public static String scopeItem(String entry, int poolSize, Integer reservePoolSize, Long revertAfterSeconds) {
    return entry + " pool_size=" + poolSize + " reserve_pool=" + (reservePoolSize == null ? "unchanged" : reservePoolSize)
        + " revertAfter=" + (revertAfterSeconds == null ? "never" : revertAfterSeconds + "s");
  }
}
