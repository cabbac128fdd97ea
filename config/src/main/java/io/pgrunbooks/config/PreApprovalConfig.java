package io.pgrunbooks.config;

import java.util.Objects;

/**
 * A standing approval: the step of the runbook runs without waiting for a person when it acts on
 * this target of this cluster (and database), and the run's report says so ("pre-approved by config
 * approvals.preApprovals[i]"). Cluster and database are exact: an entry for {@code main/app} never
 * covers another database or another cluster, whatever its target.
 *
 * @param runbook workflow type, e.g. ArchivePartition
 * @param step the approval gate's step name, e.g. drop-partition
 * @param cluster the configured cluster the approval is limited to (required, exact)
 * @param database the database the approval is limited to: required (exact) for the runbooks that act
 *     on one database ({@link RunbookKinds#actsOnOneDatabase}), absent for the cluster-wide ones
 * @param target the run's target the approval is limited to (exact match, e.g. {@code
 *     public.agent_routing_metrics}), or {@code *} for every target of the runbook in that cluster/database
 */
public record PreApprovalConfig(String runbook, String step, String cluster, String database, String target) {
  /** Target that matches every target of the runbook (within the entry's cluster and database). */
  public static final String ANY_TARGET = "*";

  /**
   * Whether this entry pre-approves steps of {@code runbook} acting on {@code target} of {@code
   * cluster}/{@code database} ({@code database} null for cluster-wide runbooks).
   */
  public boolean matches(String runbook, String cluster, String database, String target) {
    return this.runbook != null && this.runbook.equals(runbook)
        && this.cluster != null && this.cluster.equals(cluster)
        && Objects.equals(blankToNull(this.database), blankToNull(database))
        && (ANY_TARGET.equals(this.target) || (this.target != null && this.target.equals(target)));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
