package io.pgrunbooks.workflows.pitr;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Central reads of {@code PointInTimeRestore into: inPlace}: what a restore of the primary would lose. */
@ActivityInterface
public interface PitrClusterActivities {
  /** The primary's current WAL position, time and timeline, and the PgBouncer agent's node from the config. */
  @ActivityMethod
  InPlaceFacts inPlaceFacts(InPlaceFactsCall call);

  record InPlaceFactsCall(String cluster, String primary) {}

  /**
   * @param lsn {@code pg_current_wal_lsn()} on the primary
   * @param lsnBytes the same as a number
   * @param time the primary's {@code now()} (ISO-8601)
   * @param timeline the primary's timeline (hex, as in WAL file names)
   * @param bouncerNode the node whose agent drives the cluster's PgBouncer; null without PgBouncer
   */
  record InPlaceFacts(String lsn, long lsnBytes, String time, String timeline, String bouncerNode) {}
}
