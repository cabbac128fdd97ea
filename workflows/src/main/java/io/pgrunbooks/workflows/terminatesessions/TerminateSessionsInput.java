package io.pgrunbooks.workflows.terminatesessions;

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
 */
public record TerminateSessionsInput(String cluster, String database, String idleInTransactionLongerThan,
                                     String blockingLongerThan, String runningLongerThan, String user,
                                     String application, String queryLike, Integer maxSessions, Boolean cancelFirst,
                                     boolean dryRun, String requestedBy, String reason) implements RunbookInput {

  public static final int DEFAULT_MAX_SESSIONS = 10;

  public int maxSessionsOrDefault() {
    return maxSessions == null ? DEFAULT_MAX_SESSIONS : maxSessions;
  }

  public boolean cancelFirstEnabled() {
    return cancelFirst == null || cancelFirst;
  }
}
