package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Client sessions of a cluster's primary, selected by criteria and signalled one by one (TerminateSessions).
 * Never selects: the runbooks' own connections (application {@code pg-runbooks}), anything but a client backend
 * (walsenders, autovacuum, background workers) and sessions of superusers (DBAs and tooling keep working).
 */
@ActivityInterface
public interface SessionActivities {
  /**
   * The sessions matching every given criterion, most blocking first.
   *
   * @throws io.temporal.failure.ApplicationFailure BadInput for an unknown cluster or database
   */
  @ActivityMethod(name = "FindSessions")
  List<Session> findSessions(Criteria criteria);

  /**
   * Cancels or terminates one session, only while the pair (pid, backend start) still names it and it still
   * matches the criteria: a pid reused by a new session is never hit. Safe to retry.
   */
  @ActivityMethod(name = "SignalSession")
  Outcome signalSession(Signal signal);

  /**
   * The connection budget of the cluster's current primary (PoolResize's headroom) and where its PgBouncer is managed.
   *
   * @throws io.temporal.failure.ApplicationFailure BadInput for an unknown cluster
   */
  @ActivityMethod(name = "ConnectionBudget")
  ConnectionBudget connectionBudget(String cluster);

  /**
   * {@code max_connections} and what is kept from it, read from the primary.
   *
   * @param bouncerNode the node whose agent manages the cluster's PgBouncer ({@code clusters.<c>.pgbouncer.node}),
   *     null when none is configured
   * @param replication {@code max_wal_senders}
   */
  record ConnectionBudget(String bouncerNode, String primaryNode, String primaryHost, int primaryPort,
                          int maxConnections, int superuserReserved, int replication) {}

  /**
   * What selects sessions; null fields do not restrict, all given ones combine with AND.
   *
   * @param database the session's database ({@code datname}); also where the activity connects
   * @param idleInTransactionSeconds idle in transaction for at least this long
   * @param blockingSeconds blocks another session that has waited at least this long
   * @param runningSeconds its current statement has been active at least this long
   * @param queryLike SQL LIKE pattern on the session's query text
   * @param limit at most this many rows are returned (the workflow refuses when more match)
   */
  record Criteria(String cluster, String database, Long idleInTransactionSeconds, Long blockingSeconds,
                  Long runningSeconds, String user, String application, String queryLike, int limit) {}

  /**
   * Evidence of one session.
   *
   * @param backendStartMicros {@code backend_start} in microseconds since the epoch, the second half of its identity
   * @param query the current or last query, truncated to 300 characters
   * @param stateSeconds how long it has been in its state (active: since its query started)
   * @param transactionSeconds age of its open transaction, -1 when none
   * @param blocks how many sessions wait on its locks
   * @param blockingSeconds the longest of those waits, 0 when it blocks nobody
   */
  record Session(int pid, long backendStartMicros, String backendStart, String database, String user,
                 String application, String client, String state, String query, long stateSeconds,
                 long transactionSeconds, int blocks, long blockingSeconds) {

    /** One line for reports: who, what, for how long. */
    public String describe() {
      return "pid " + pid + " (started " + backendStart + ") " + user + "@" + database + " app '" + application + "' from "
          + (client == null ? "local" : client) + ", " + state + " for " + stateSeconds + " s"
          + (transactionSeconds >= 0 ? ", transaction " + transactionSeconds + " s old" : "")
          + (blocks > 0 ? ", blocks " + blocks + " session(s) for up to " + blockingSeconds + " s" : "")
          + ": " + query;
    }
  }

  /** What to send to a session: {@code pg_cancel_backend} or {@code pg_terminate_backend}. */
  enum Action { CANCEL, TERMINATE }

  /** One signal to the session (pid, backendStartMicros), only while it still matches {@code criteria}. */
  record Signal(Criteria criteria, int pid, long backendStartMicros, Action action) {}

  /** What a signal did. */
  enum Outcome {
    /** The cancel was delivered (the session lives on). */
    CANCELLED,
    /** The session ended (terminate confirmed within 5 s). */
    TERMINATED,
    /** Terminate was signalled but the session had not ended after 5 s. */
    TERMINATE_PENDING,
    /** No session with that pid and start any more: it ended (or the pid now belongs to another session). */
    GONE,
    /** The session lives but no longer matches the criteria: left alone. */
    NO_LONGER_MATCHES
  }
}
