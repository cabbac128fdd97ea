package io.pgrunbooks.workflows.pitr;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** {@code PointInTimeRestore into: node} on the node agent of the replica being replaced. */
@ActivityInterface
public interface PitrNodeActivities {
  /**
   * Restores the backup plus WAL to the target into the node's data directory and leaves PostgreSQL running there,
   * paused in recovery at the target (read-only), or promoted there ({@code promote}, into: inPlace). The data directory must already be moved aside by this run
   * ({@code <dataDir>.rebuild-<runId>}); the restore goes into {@code <dataDir>.partial-<runId>} with
   * {@code pgbackrest restore --target-action=pause --archive-mode=off}, is renamed to the data directory once
   * complete, and is started with the node's own start command (its port). A retry finds a finished restore and
   * only starts/waits; a half-written one is deleted and started over. Heartbeats. Non-retryable
   * {@code RestoreDrillFailed} when PostgreSQL stopped before reaching the target (its log says why).
   */
  @ActivityMethod
  NodeRestore restoreNodeToTarget(NodeRestoreCall call);

  /**
   * @param runId the run whose side directories are meant (as in {@code NodeActivities.RebuildStep})
   * @param targetType {@code time}, {@code lsn} or {@code name}
   * @param promote {@code into: inPlace}: the node is the primary being taken back; {@code --target-action=promote}
   *     with archiving kept (the new timeline goes to the repository), and after the promotion a write
   *     ({@code txid_current()}, {@code pg_switch_wal()}) whose WAL segment must reach the repository. False
   *     ({@code into: node}): paused at the target, never archiving
   */
  record NodeRestoreCall(String cluster, String node, String runId, String backupLabel, String target,
                         String targetType, boolean promote) {}

  /**
   * @param dataDir the node's data directory, now holding the restore
   * @param port the node's own port
   * @param restoreSeconds {@code pgbackrest restore} alone; 0 when an earlier attempt had finished it
   * @param recoveryStop PostgreSQL's log line saying where recovery stopped; null when the log has none
   * @param replayLsn {@code pg_last_wal_replay_lsn()} while paused; after a promotion {@code pg_current_wal_lsn()}
   * @param timeline after a promotion, the new timeline (from the WAL file name, hex); null when paused
   * @param archivedWal after a promotion, the WAL segment of the test write, archived to the repository; else null
   */
  record NodeRestore(String dataDir, int port, double restoreSeconds, String recoveryStop, String replayLsn,
                     String timeline, String archivedWal) {}
}
