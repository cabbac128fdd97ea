package io.pgrunbooks.workflows.terminatesessions;

import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.common.RunbookInput;

/**
 * Input of {@code TerminateSessions}: {@code {"cluster": "main", "database": "app", "idleInTransactionLongerThan":
 * "10m"}}. Only {@code cluster} is required, plus at least one criterion; all given criteria combine with AND.
 * Durations are {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT5M}).
 *
 * @param database only sessions of this database (must exist)
 * @param idleInTransactionLongerThan idle in transaction at least this long
 * @param blockingLongerThan blocks a session that has waited at least this long
 * @param runningLongerThan its statement has run at least this long
 * @param user only sessions of this login role
 * @param application only sessions with this {@code application_name}
 * @param queryLike SQL LIKE pattern on the query text
 * @param maxSessions the run refuses when more sessions match (default 10)
 * @param cancelFirst {@code pg_cancel_backend} first, then terminate what still matches (default true)
 * @param delegatedApproval set by a parent runbook (PoolExhausted) whose approval covers this run; counts only when
 *     this run really is that parent's child and every selected (pid, backend_start) was in the approved plan
 */
public record TerminateSessionsInput(String cluster, String database, String idleInTransactionLongerThan,
                                     String blockingLongerThan, String runningLongerThan, String user,
                                     String application, String queryLike, Integer maxSessions, Boolean cancelFirst,
                                     boolean dryRun, String requestedBy, String reason,
                                     DelegatedApproval delegatedApproval) implements RunbookInput {

  /** An input without a delegated approval (every run not started by a parent runbook). */
  public TerminateSessionsInput(String cluster, String database, String idleInTransactionLongerThan,
                                String blockingLongerThan, String runningLongerThan, String user, String application,
                                String queryLike, Integer maxSessions, Boolean cancelFirst, boolean dryRun,
                                String requestedBy, String reason) {
    this(cluster, database, idleInTransactionLongerThan, blockingLongerThan, runningLongerThan, user, application,
        queryLike, maxSessions, cancelFirst, dryRun, requestedBy, reason, null);
  }

  public static final int DEFAULT_MAX_SESSIONS = 10;

  public int maxSessionsOrDefault() {
    return maxSessions == null ? DEFAULT_MAX_SESSIONS : maxSessions;
  }

  public boolean cancelFirstEnabled() {
    return cancelFirst == null || cancelFirst;
  }
}
