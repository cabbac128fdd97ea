package io.pgrunbooks.config;

/**
 * HealthCheck's morning-page thresholds, set flat in the {@code health} section like the basic ones. Each pair is
 * degraded at or above the first value and unhealthy at or above the second; the defaults are in {@link #defaults()}
 * and in the HealthCheck docs page.
 *
 * @param idleInTransactionDegradedSeconds oldest idle-in-transaction session (60; unhealthy 900)
 * @param blockingDegradedSeconds longest wait behind one blocker (30; unhealthy 300)
 * @param transactionAgeDegradedSeconds oldest open transaction (900; unhealthy 3600)
 * @param xidAgeDegraded {@code age(datfrozenxid)} of a database (500000000; unhealthy 1000000000)
 * @param slotRetainedDegradedMb WAL retained by one replication slot in MiB (1024; unhealthy 10240)
 * @param walDegradedPercent pg_wal as a share of the data directory's filesystem (10; unhealthy 25)
 * @param archiveFailingSeconds a failing archiver whose last success is older than this is unhealthy (3600)
 * @param poolWaitingDegraded clients waiting in one PgBouncer pool (1; unhealthy 20)
 * @param poolMaxwaitDegradedSeconds PgBouncer {@code maxwait} of a pool (5; unhealthy 30)
 * @param bloatTopN how many of each database's largest indexes get a bloat estimate (5; 0 = off)
 */
public record HealthDetailConfig(
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

  public static HealthDetailConfig defaults() {
    return new HealthDetailConfig(60, 900, 30, 300, 900, 3600, 500_000_000L, 1_000_000_000L, 1024, 10240, 10, 25,
        3600, 1, 20, 5, 30, 5);
  }

  /** Every threshold that is out of range, into {@code p} under {@code path} (the health section). */
  void validate(String path, Problems p) {
    pair(p, path, "idleInTransaction", "Seconds", idleInTransactionDegradedSeconds, idleInTransactionUnhealthySeconds);
    pair(p, path, "blocking", "Seconds", blockingDegradedSeconds, blockingUnhealthySeconds);
    pair(p, path, "transactionAge", "Seconds", transactionAgeDegradedSeconds, transactionAgeUnhealthySeconds);
    pair(p, path, "xidAge", "", xidAgeDegraded, xidAgeUnhealthy);
    if (xidAgeUnhealthy >= 2_147_483_648L) {
      p.add(path + ".xidAgeUnhealthy", "must be below 2147483648 (2^31, where wraparound stops writes), got "
          + xidAgeUnhealthy);
    }
    pair(p, path, "slotRetained", "Mb", slotRetainedDegradedMb, slotRetainedUnhealthyMb);
    pair(p, path, "wal", "Percent", walDegradedPercent, walUnhealthyPercent);
    if (walUnhealthyPercent > 100) {
      p.add(path + ".walUnhealthyPercent", "must be at most 100, got " + walUnhealthyPercent);
    }
    if (archiveFailingSeconds <= 0) {
      p.add(path + ".archiveFailingSeconds", "must be positive, got " + archiveFailingSeconds);
    }
    pair(p, path, "poolWaiting", "", poolWaitingDegraded, poolWaitingUnhealthy);
    pair(p, path, "poolMaxwait", "Seconds", poolMaxwaitDegradedSeconds, poolMaxwaitUnhealthySeconds);
    if (bloatTopN < 0 || bloatTopN > 50) {
      p.add(path + ".bloatTopN", "must be between 0 (off) and 50, got " + bloatTopN);
    }
  }

  private static void pair(Problems p, String path, String name, String unit, long degraded, long unhealthy) {
    String d = path + "." + name + "Degraded" + unit;
    if (degraded <= 0) {
      p.add(d, "must be positive, got " + degraded);
    }
    if (unhealthy < degraded) {
      p.add(path + "." + name + "Unhealthy" + unit, "must be at least " + name + "Degraded" + unit + " ("
          + degraded + "), got " + unhealthy);
    }
  }
}
