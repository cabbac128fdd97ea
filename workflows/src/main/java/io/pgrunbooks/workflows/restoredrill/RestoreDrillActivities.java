package io.pgrunbooks.workflows.restoredrill;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Central-worker SQL of {@code RestoreDrill}: config, the sentinels on the primary, the checks of the restored instance. */
@ActivityInterface
public interface RestoreDrillActivities {
  /**
   * The primary, stanza, database and objectives of the cluster; BadInput for an unknown cluster, one without a
   * {@code pgbackrest} section or an unknown database, a retryable failure while no primary answers.
   */
  @ActivityMethod
  DrillTarget restoreDrillTarget(String cluster, String database);

  /**
   * On the primary: reads the RPO, creates {@code pgrunbooks.drill_sentinel} if missing, writes a sentinel before the
   * target (when the drill picks it) and one after, switches WAL and waits until the segment with the "after"
   * sentinel is archived. Idempotent: a retry reuses the rows of its run key.
   */
  @ActivityMethod
  SentinelFacts drillSentinels(SentinelCall call);

  /** Reads the restored instance (sentinels, row counts against the primary, amcheck); changes nothing on the primary. */
  @ActivityMethod
  DrillFacts drillCheck(DrillCheckCall call);
}
