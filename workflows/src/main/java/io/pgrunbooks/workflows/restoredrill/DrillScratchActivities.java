package io.pgrunbooks.workflows.restoredrill;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The scratch instance of a restore drill on the primary's host, run by that host's node agent. */
@ActivityInterface
public interface DrillScratchActivities {
  /**
   * Removes what an earlier attempt left under this name, then {@code pgbackrest restore --set=<label> --type=time
   * --target=<target> --target-action=promote --archive-mode=off} into the scratch data directory, starts it on a
   * free port as the node's OS user and waits until recovery ended and it answers queries; heartbeats throughout.
   * Non-retryable {@code RestoreDrillFailed} when PostgreSQL could not recover to the target (its log says why).
   */
  @ActivityMethod
  DrillInstance drillRestore(DrillRestoreCall call);

  /** Stops the scratch instance (if running) and deletes its directory; true when there was something to remove. */
  @ActivityMethod
  boolean drillRemove(DrillRemoveCall call);
}
