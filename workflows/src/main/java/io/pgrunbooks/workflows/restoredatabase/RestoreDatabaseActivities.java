package io.pgrunbooks.workflows.restoredatabase;

import io.pgrunbooks.workflows.backup.TableCount;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * PostgreSQL side of {@code RestoreDatabase}, on the central worker against the cluster's current primary. Every
 * method is idempotent or checks before it acts, so a retry after a worker crash converges.
 */
@ActivityInterface
public interface RestoreDatabaseActivities {
  /** Which of the three names exist on the primary, their comments, sizes and connections; nothing is changed. */
  @ActivityMethod
  RestoreFacts inspectRestore(RestoreTarget target);

  /**
   * Downloads the dump (streaming, SHA-256 and size checked against the manifest), creates {@code targetDatabase}
   * on the primary with the run's marker as its comment and runs {@code pg_restore --jobs} into it. A target
   * that exists with this marker (an earlier attempt of this run) is dropped and redone; one without it is
   * refused (SafetyRefused) and never dropped. Heartbeats.
   */
  @ActivityMethod
  RestoredDatabase restoreIntoTarget(RestoreIntoInput input);

  /** Exact row counts of the manifest's exact tables in {@code targetDatabase} (a missing table counts -1). */
  @ActivityMethod
  List<TableCount> countRestoredRows(CountRestoredInput input);

  /**
   * {@code ALTER DATABASE from RENAME TO to} after ending the sessions still connected to {@code from}. Already
   * renamed ({@code from} gone, {@code to} present): done. Both or neither present: refused (SafetyRefused).
   */
  @ActivityMethod
  String renameDatabase(RenameInput input);

  /**
   * @param database the live database the backup was taken of
   * @param beforeName the name the live database gets when it is swapped out
   * @param marker the comment that marks a database this run created
   */
  record RestoreTarget(String cluster, String database, String targetDatabase, String beforeName, String marker) {}

  /**
   * @param primary the node that is primary now
   * @param targetConfigured {@code targetDatabase} is a database of {@code clusters.<c>.databases}
   * @param databaseComment comment of the live database (the marker once the swap put the restored one in place)
   * @param bouncerNode the node whose agent drives the cluster's PgBouncer; null without PgBouncer
   */
  record RestoreFacts(String primary, boolean databaseExists, boolean targetExists, boolean beforeExists,
                      boolean targetConfigured, String databaseComment, String targetComment, long databaseBytes,
                      long targetBytes, int databaseConnections, int targetConnections, String bouncerNode,
                      int agentStartTimeoutSeconds) {}

  record RestoreIntoInput(String cluster, String database, String targetDatabase, String marker, String dumpKey,
                          String sha256, long dumpBytes, int jobs) {}

  /**
   * @param redone an earlier attempt's half-restored target (with this run's marker) was dropped first
   * @param restoredBytes {@code pg_database_size} of the target after the restore
   */
  record RestoredDatabase(String primary, boolean redone, double downloadSeconds, double restoreSeconds,
                          long restoredBytes) {}

  record CountRestoredInput(String cluster, String targetDatabase, List<TableCount> tables) {}

  record RenameInput(String cluster, String from, String to) {}
}
