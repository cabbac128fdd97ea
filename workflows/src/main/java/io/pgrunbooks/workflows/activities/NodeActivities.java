package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Host-local work, run by the node agent of one host on its own task queue
 * ({@code TaskQueues.node(node)}). PostgreSQL commands run as the node's {@code runAs} user.
 */
@ActivityInterface
public interface NodeActivities {
  /** Size of the node's data directory and the free space of the filesystem that holds it. */
  @ActivityMethod
  DiskUsage diskUsage(DiskUsageInput input);

  /**
   * What the node's own host says about its PostgreSQL: running or not, {@code pg_is_in_recovery()} when
   * running, the {@code pg_controldata} cluster state, whether the data dir and the run's side directories
   * exist, and the free space next to the data dir. Read-only.
   */
  @ActivityMethod
  NodeState nodeState(RebuildStep input);

  /**
   * Stops PostgreSQL (fast, then immediate after the stop timeout). Already stopped: done. Refuses
   * (SafetyRefused) when the running server is not in recovery: the primary is never stopped here.
   */
  @ActivityMethod
  CommandOutcome stopPostgres(RebuildStep input);

  /** Renames the data dir to {@code <dataDir>.rebuild-<runId>}; never deletes. Done already: no-op. */
  @ActivityMethod
  CommandOutcome moveDataDirAside(RebuildStep input);

  /**
   * {@code pg_basebackup -R -S <slot> -X stream -P} into {@code <dataDir>.partial-<runId>}, renamed to the
   * data dir once complete; heartbeats bytes and percent. A retry kills a leftover copy of this run and
   * starts again from an empty directory. The password goes through a 0600 PGPASSFILE, removed afterwards.
   */
  @ActivityMethod
  CommandOutcome baseBackup(BaseBackupInput input);

  /** Starts PostgreSQL on the data dir; already running: no-op. */
  @ActivityMethod
  CommandOutcome startPostgres(RebuildStep input);

  /** Deletes {@code <dataDir>.rebuild-<runId>} (and a leftover partial copy); absent: no-op. */
  @ActivityMethod
  CommandOutcome removeOldDataDir(RebuildStep input);

  /**
   * Puts {@code <dataDir>.rebuild-<runId>} back as the data dir: stops a server running on a new copy, moves
   * the new copy (if any) to {@code <dataDir>.failed-<runId>}, renames the old one back. Done: no-op.
   */
  @ActivityMethod
  CommandOutcome restoreOldDataDir(RebuildStep input);

  /**
   * The exact commands each rebuild step will run on this host, as {@link #stopPostgres} and the others build
   * them, for the approval and the dry-run plan. Read-only.
   */
  @ActivityMethod
  NodePlan rebuildPlan(BaseBackupInput input);

  /** Input of the rebuild steps: which node, and the run whose side directories are meant. */
  record RebuildStep(String cluster, String node, String runId) {}

  /** @param primary name of the node to copy from, at {@code primaryHost:primaryPort} */
  record BaseBackupInput(String cluster, String node, String runId, String primary, String primaryHost,
                         int primaryPort, String slot) {}

  /**
   * @param controlState "Database cluster state" of pg_controldata, or null when unreadable ({@code controlError})
   * @param inRecovery null when PostgreSQL is not running or did not answer
   */
  record NodeState(String node, String dataDir, boolean dataDirExists, boolean running, Boolean inRecovery,
                   String controlState, String controlError, boolean oldCopyExists, boolean partialExists,
                   long freeBytes, String agentHost) {}

  /** Commands of each host-local rebuild step, in the order they run (no secrets). */
  record NodePlan(String dataDir, String oldCopy, List<String> stop, List<String> moveAside, List<String> baseBackup,
                  List<String> start, List<String> removeOld, List<String> restore) {}

  /**
   * What a host-local step did.
   *
   * @param commands the commands run, in order (no secrets)
   * @param outputTail the last lines of their output, for the report
   * @param bytes bytes copied (base backup), else 0
   */
  record CommandOutcome(String summary, List<String> commands, String outputTail, long bytes) {}
}
