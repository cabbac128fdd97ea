package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Replication SQL against a configured cluster, run by the central worker over JDBC: roles, replication
 * slots and the state of replicas as the primary sees them.
 */
@ActivityInterface
public interface PostgresReplicationActivities {
  /**
   * Roles of every node ({@code pg_is_in_recovery()}, never config), the current primary, how the primary
   * sees {@code replica} (pg_stat_replication, its slot) and the primary's total database size. Unknown
   * cluster or node: BadInput. A node that is down is a fact, not a failure.
   */
  @ActivityMethod
  Topology topology(TopologyInput input);

  /** The cluster's {@code rebuild} settings from the worker's config. */
  @ActivityMethod
  RebuildSettings rebuildSettings(TopologyInput input);

  /**
   * Drops (if present) and creates the physical slot {@code slot} on {@code primary}, reserving WAL at once.
   * Idempotent. Refuses (SafetyRefused) when {@code primary} is in recovery or the slot is in use.
   */
  @ActivityMethod
  String recreateSlot(SlotInput input);

  /**
   * Waits until the primary's pg_stat_replication shows {@code replica} streaming and its replay lag is below
   * the threshold, heartbeating the state and lag. Fails (retryable) when the deadline passes.
   */
  @ActivityMethod
  CatchUp awaitCatchUp(CatchUpInput input);

  /** Input naming a cluster and the replica a run is about. */
  record TopologyInput(String cluster, String replica) {}

  /**
   * @param reachable whether PostgreSQL answered; {@code inRecovery} is null when it did not
   * @param error why it did not answer
   */
  record NodeRole(String name, String host, int port, boolean reachable, Boolean inRecovery, String error) {}

  /**
   * @param primary the one reachable node not in recovery, or null (none, or more than one: see {@code problem})
   * @param replicaState pg_stat_replication.state of the replica on the primary, null when it is not connected
   * @param replayLagSeconds its replay lag, -1 when unknown
   * @param slot the replica's configured slot; {@code slotExists}/{@code slotActive} on the primary
   * @param databaseBytes sum of pg_database_size over the primary's databases
   */
  record Topology(String cluster, List<NodeRole> nodes, String primary, String problem, String replicaState,
                  double replayLagSeconds, String slot, boolean slotExists, boolean slotActive, long databaseBytes) {}

  /** The {@code rebuild} config of a cluster, as workflows may see it (no secrets). */
  record RebuildSettings(boolean keepOldDataDir, double catchUpLagSeconds, long catchUpTimeoutSeconds,
                         long stopTimeoutSeconds, double diskHeadroom) {}

  record SlotInput(String cluster, String primary, String slot) {}

  record CatchUpInput(String cluster, String primary, String replica, double lagThresholdSeconds,
                      long timeoutSeconds) {}

  /** @param waitedMillis from the first attempt until caught up */
  record CatchUp(String state, double replayLagSeconds, long lagBytes, long waitedMillis) {}
}
