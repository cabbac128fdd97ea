package io.pgrunbooks.workflows.activities;

/**
 * The morning-page thresholds of HealthCheck (sessions, wraparound, slots, WAL, archiver, PgBouncer pools). Each
 * pair is degraded at or above the first value, unhealthy at or above the second.
 *
 * @param idleInTransactionSeconds oldest idle-in-transaction session (60 / 900 s)
 * @param blockingSeconds longest wait behind one blocker (30 / 300 s)
 * @param transactionAgeSeconds oldest open transaction (900 / 3600 s)
 * @param xidAge {@code age(datfrozenxid)}; wraparound stops writes near 2^31 (500 M / 1 000 M)
 * @param slotRetainedMb WAL retained by one replication slot, in MiB (1024 / 10240); an inactive slot is degraded
 * @param walPercent size of pg_wal as a share of the data directory's filesystem (10 / 25 %)
 * @param archiveFailingSeconds the archiver has been failing (last failure after last success) and the last
 *     success is older than this: unhealthy (3600 s); failing for less is degraded
 * @param poolWaiting clients waiting for a server in one PgBouncer pool, {@code cl_waiting} (1 / 20)
 * @param poolMaxwaitSeconds PgBouncer's {@code maxwait} of a pool (5 / 30 s)
 * @param bloatTopN how many of each database's largest indexes get a bloat estimate (5; 0 turns it off)
 */
public record DetailThresholds(
    long idleInTransactionDegradedSeconds, long idleInTransactionUnhealthySeconds,
    long blockingDegradedSeconds, long blockingUnhealthySeconds,
    long transactionAgeDegradedSeconds, long transactionAgeUnhealthySeconds,
    long xidAgeDegraded, long xidAgeUnhealthy,
    long slotRetainedDegradedMb, long slotRetainedUnhealthyMb,
    int walDegradedPercent, int walUnhealthyPercent,
    long archiveFailingSeconds,
    int poolWaitingDegraded, int poolWaitingUnhealthy,
    long poolMaxwaitDegradedSeconds, long poolMaxwaitUnhealthySeconds,
    int bloatTopN) {

  public static DetailThresholds defaults() {
    return new DetailThresholds(60, 900, 30, 300, 900, 3600, 500_000_000L, 1_000_000_000L, 1024, 10240, 10, 25,
        3600, 1, 20, 5, 30, 5);
  }
}
