package io.pgrunbooks.workflows.activities;

import java.time.Instant;
import java.util.List;

/**
 * What one PostgreSQL node said about itself. Query texts are truncated and never carry
 * connection strings or passwords.
 *
 * @param reachable false when no connection could be made; {@code error} then says why
 * @param inRecovery {@code pg_is_in_recovery()}: true on a replica; null when unreachable
 * @param cacheHitRatio blks_hit / (blks_hit + blks_read) over all databases; null before any read
 * @param replicas on a primary: one entry per row of {@code pg_stat_replication}
 * @param receiver on a replica: its WAL receiver, null when none is running
 */
public record NodeHealthFacts(
    String node,
    boolean reachable,
    String error,
    Boolean inRecovery,
    String serverVersion,
    int connections,
    int maxConnections,
    List<LongQuery> longQueries,
    List<LockWait> lockWaits,
    Double cacheHitRatio,
    List<DatabaseSize> databases,
    List<ReplicationPeer> replicas,
    WalReceiver receiver,
    Instant observedAt) {

  public static NodeHealthFacts unreachable(String node, String error, Instant at) {
    return new NodeHealthFacts(node, false, error, null, null, 0, 0, List.of(), List.of(), null,
        List.of(), List.of(), null, at);
  }

  /** A non-idle backend running longer than the threshold. */
  public record LongQuery(int pid, String user, String database, String state, long seconds, String query) {}

  /** A backend waiting on a lock held by another. */
  public record LockWait(int blockedPid, int blockingPid, long waitingSeconds, String blockedQuery, String blockingQuery) {}

  public record DatabaseSize(String name, long bytes) {}

  /**
   * A standby as the primary sees it. Lags are null when PostgreSQL has nothing to measure (idle
   * and caught up); {@code replayLagBytes} is sent minus replayed WAL.
   */
  public record ReplicationPeer(
      String applicationName,
      String clientAddr,
      String slotName,
      String state,
      String syncState,
      Double writeLagSeconds,
      Double flushLagSeconds,
      Double replayLagSeconds,
      long replayLagBytes) {}

  /** The replica's WAL receiver ({@code pg_stat_wal_receiver}) and its replay backlog in bytes. */
  public record WalReceiver(String status, String senderHost, Integer senderPort, String slotName, long replayBacklogBytes) {}
}
