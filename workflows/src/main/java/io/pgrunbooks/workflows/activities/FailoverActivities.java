package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Central SQL of {@code Failover} and {@code FailoverDrill}: WAL positions of every node, waits on replay and
 * promotion, checks through PgBouncer, and the drill's sentinel and probe rows. LSNs are bytes since 0/0.
 */
@ActivityInterface
public interface FailoverActivities {
  /** The cluster's {@code failover} settings (no secrets); BadInput for an unknown cluster. */
  @ActivityMethod
  FailoverSettings failoverSettings(FailoverFactsInput input);

  /**
   * Role, reachability and WAL positions of every node, and how the primary (if one answers) sees each replica.
   * A node that does not answer is a fact, not a failure.
   */
  @ActivityMethod
  FailoverFacts failoverFacts(FailoverFactsInput input);

  /** Waits until {@code node} has replayed at least {@code lsn}, heartbeating; fails (non-retryable) at the deadline. */
  @ActivityMethod
  ReplayedLsn awaitReplayedLsn(ReplayInput input);

  /**
   * Waits until {@code node} answers {@code pg_is_in_recovery() = false} and a test write commits there; returns
   * its timeline. Fails (non-retryable, PromotionTimeout) at the deadline.
   */
  @ActivityMethod
  PromotedPrimary awaitWritablePrimary(PromoteCheckInput input);

  /** Writes and reads one row through PgBouncer; says which node served it. */
  @ActivityMethod
  BouncerCheck checkThroughBouncer(DrillTableInput input);

  /** Writes {@code count} sentinel rows through PgBouncer, one transaction each; returns the acknowledged ones. */
  @ActivityMethod
  List<SentinelRow> writeDrillSentinels(SentinelInput input);

  /**
   * Writes one probe row through PgBouncer every interval until the stop row of its phase appears (or
   * {@code maxSeconds}), recording each success and error with timestamps; heartbeats.
   */
  @ActivityMethod
  ProbeReport runDrillProbe(ProbeInput input);

  /** Writes the stop row the probe of the phase waits for (through PgBouncer). Idempotent. */
  @ActivityMethod
  void stopDrillProbe(DrillTableInput input);

  /** Which of the expected sentinel and probe rows are present on {@code node}. */
  @ActivityMethod
  RowCheck checkDrillRows(RowCheckInput input);

  /** Exact row counts of tables on {@code node} (the current primary). */
  @ActivityMethod
  Map<String, Long> countBaselineRows(BaselineInput input);

  /** Stores report.json and report.md under {@code <prefix>/drills/<cluster>/<date>/}; returns the keys. */
  @ActivityMethod
  List<String> storeDrillReport(DrillReportInput input);

  record FailoverFactsInput(String cluster) {}

  /** {@code clusters.<c>.failover} as workflows may see it. {@code bouncerNode} null: no PgBouncer to drive. */
  record FailoverSettings(long replayTimeoutSeconds, long promoteTimeoutSeconds, String fenceCommand,
                          long maxReplayGapBytes, String bouncerNode, DrillSettings drill) {}

  record DrillSettings(long windowSeconds, double maxLagSeconds, boolean requireVerifiedBackup,
                       long maxBackupAgeSeconds, String database, String probeTable, long probeIntervalMillis,
                       int sentinelRows, List<String> baselineTables, long recoveryTargetSeconds) {}

  /**
   * @param inRecovery null when not reachable
   * @param receiveLsn pg_last_wal_receive_lsn() of a replica, -1 when unknown
   * @param replayLsn pg_last_wal_replay_lsn() of a replica, -1 when unknown
   * @param lastReplayAt pg_last_xact_replay_timestamp() of a replica, null when unknown
   * @param state pg_stat_replication.state on the primary, null when not connected (or no primary)
   * @param replayLagSeconds replay lag on the primary, -1 when unknown
   */
  record NodeWal(String name, String host, int port, boolean reachable, Boolean inRecovery, String error,
                 long receiveLsn, long replayLsn, Instant lastReplayAt, String state, double replayLagSeconds) {}

  /**
   * @param primary the one reachable node out of recovery, null when none (or more than one: {@code problem})
   * @param primaryLsn pg_current_wal_lsn() of the primary, -1 when there is none
   */
  record FailoverFacts(String cluster, List<NodeWal> nodes, String primary, String problem, long primaryLsn,
                       Instant observedAt) {
    public NodeWal node(String name) {
      return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
    }
  }

  record ReplayInput(String cluster, String node, long lsn, long timeoutSeconds) {}

  record ReplayedLsn(long replayLsn, long waitedMillis) {}

  record PromoteCheckInput(String cluster, String node, long timeoutSeconds) {}

  record PromotedPrimary(String node, int timeline, long lsn, long waitedMillis) {}

  record DrillTableInput(String cluster, String database, String table, String drillId, String phase) {}

  /** @param node the configured node whose port served the write through PgBouncer, null when none matched */
  record BouncerCheck(String node, boolean inRecovery, int timeline, long lsn) {}

  record SentinelInput(DrillTableInput table, int count) {}

  record SentinelRow(long seq, long commitLsn) {}

  record ProbeInput(DrillTableInput table, long intervalMillis, long maxSeconds) {}

  record ProbeError(Instant at, String message) {}

  /**
   * What the clients saw during one switchover.
   *
   * @param acknowledged sequence numbers of probe rows whose commit was acknowledged
   * @param errors the first errors (at most 50), {@code errorCount} all of them
   * @param unavailableMillis from the first failed write to the next successful one, or the longest stall between
   *     two acknowledged writes beyond the interval, whichever is longer
   */
  record ProbeReport(int attempts, List<Long> acknowledged, int errorCount, List<ProbeError> errors,
                     Instant firstErrorAt, Instant recoveredAt, long longestStallMillis, long unavailableMillis,
                     String stoppedBy) {}

  record RowCheckInput(String cluster, String node, DrillTableInput table, List<Long> sentinels, List<Long> probes) {}

  /** @param missing "sentinel 3", "probe 17": at most 50 */
  record RowCheck(int expected, int present, List<String> missing) {}

  record BaselineInput(String cluster, String node, String database, List<String> tables) {}

  record DrillReportInput(String cluster, String date, String drillId, Object result, String markdown) {}
}
