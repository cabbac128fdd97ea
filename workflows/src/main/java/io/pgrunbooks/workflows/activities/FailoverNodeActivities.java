package io.pgrunbooks.workflows.activities;

import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Host-local failover steps, run by the node agent of one host ({@code TaskQueues.node(node)}). Each checks the
 * node first, so a retry converges (DESIGN.md invariant 7).
 */
@ActivityInterface
public interface FailoverNodeActivities {
  /**
   * Switchover: stops the primary cleanly ({@code pg_ctl stop -m fast}) and returns the LSN of its shutdown
   * checkpoint from pg_controldata, the last WAL any replica must replay. Already stopped cleanly: the same.
   */
  @ActivityMethod
  StopResult stopForSwitchover(FailoverNodeInput input);

  /**
   * Fences an old primary: the configured fence command, else {@code pg_ctl stop -m immediate}. Confirmed only when
   * PostgreSQL no longer runs on the node afterwards.
   */
  @ActivityMethod
  FenceResult fencePostgres(FailoverNodeInput input);

  /**
   * {@code pg_ctl promote -w}; a node already out of recovery: done. Refuses when PostgreSQL is not running. Then,
   * over SQL, {@code ALTER SYSTEM RESET primary_conninfo}, {@code ALTER SYSTEM RESET primary_slot_name} and
   * {@code SELECT pg_reload_conf()}, so that the new primary no longer names its old upstream; a failure there is
   * reported in the outcome's summary, not thrown (the promotion stands).
   */
  @ActivityMethod
  CommandOutcome promotePostgres(FailoverNodeInput input);

  /**
   * Rejoins a stopped old primary as a standby of {@code primary}: {@code pg_rewind} from it (keeping this node's own
   * config files, saved beside the data directory until the node runs again), {@code standby.signal},
   * primary_conninfo and primary_slot_name, start. Refuses a running node that is not in recovery. Fails
   * (RewindFailed) when pg_rewind does.
   */
  @ActivityMethod
  CommandOutcome rewindAsStandby(StandbyInput input);

  /**
   * Points a replica at {@code primary} (primary_conninfo, primary_slot_name) and restarts it. Refuses (SAFETY_REFUSED)
   * a node that is not a replica (running and not in recovery, or stopped without standby.signal); fails when
   * PostgreSQL still runs after a fast and an immediate stop.
   */
  @ActivityMethod
  CommandOutcome followNewPrimary(StandbyInput input);

  /**
   * Fences a node of a Patroni cluster whose Patroni is dead: the only step in which a node agent touches the
   * PostgreSQL of a Patroni node. The agent itself checks first that its local Patroni REST API does not answer and
   * that another member's {@code GET /cluster} names a leader that is not this node (SafetyRefused otherwise, also
   * when no member answers), then runs {@code pg_ctl stop -m immediate}. Not running: confirmed (idempotent).
   */
  @ActivityMethod
  FenceResult fencePatroniNode(FailoverNodeInput input);

  record FailoverNodeInput(String cluster, String node) {}

  /** @param finalLsn the shutdown checkpoint's LSN (bytes since 0/0) */
  record StopResult(String summary, long finalLsn, String finalLsnText, boolean wasRunning) {}

  record FenceResult(boolean confirmed, String summary, String command) {}

  record StandbyInput(String cluster, String node, String primary, String primaryHost, int primaryPort, String slot) {}
}
