package io.pgrunbooks.workflows.physicalbackup;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Central-worker facts of {@code PhysicalBackup}: config and the current primary. */
@ActivityInterface
public interface PhysicalBackupActivities {
  /**
   * The stanza and retention of the cluster and the node that is primary now; BadInput for an unknown
   * cluster or one without a {@code pgbackrest} section, a retryable failure while no primary answers.
   */
  @ActivityMethod
  PhysicalBackupTarget physicalBackupTarget(String cluster);
}
