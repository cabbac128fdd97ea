package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** VacuumAnalyze's reads (table statistics, replica lag, vacuum progress) and its one mutation per table. */
@ActivityInterface
public interface VacuumActivities {

  /**
   * Statistics of the ordinary tables of the database on the current primary: the {@code tables} named (each resolved
   * through the catalog; an unknown one is non-retryable {@code BadInput} before anything runs), or every user table
   * when none is named. Read-only.
   */
  VacuumFacts inspectVacuum(VacuumTarget target);

  /**
   * {@code VACUUM (ANALYZE[, FREEZE])} (or {@code ANALYZE} alone) of one table on the current primary, heartbeating
   * {@code pg_stat_progress_vacuum}. Idempotent: a retry after a crash just vacuums again. A cancelled activity cancels
   * the statement.
   */
  TableVacuum vacuumTable(VacuumTableInput in);

  /** The running VACUUM of that table as {@code pg_stat_progress_vacuum} shows it, or null when none runs. */
  String vacuumProgress(VacuumTableInput in);

  /** Replay lag of every replica of the cluster, each read on the replica itself. */
  List<ReplicaLag> replicaLag(VacuumTarget target);

  /**
   * Which tables of a database.
   *
   * @param tables {@code schema.name} each; empty: every user table
   */
  record VacuumTarget(String cluster, String database, List<String> tables) {}

  /**
   * One table's statistics ({@code pg_stat_user_tables}, {@code pg_class}).
   *
   * @param table {@code schema.name} as the catalog spells it
   * @param lastVacuumMillis latest of last_vacuum and last_autovacuum (epoch millis), -1 never
   * @param lastAnalyzeMillis latest of last_analyze and last_autoanalyze (epoch millis), -1 never
   * @param xidAge {@code age(relfrozenxid)}
   * @param pages the table's size in pages (block size of the server)
   */
  record TableStats(String table, long liveTuples, long deadTuples, long modsSinceAnalyze, long lastVacuumMillis,
                    long lastAnalyzeMillis, long xidAge, long pages) {}

  /**
   * What the planner needs.
   *
   * @param nowMillis the primary's clock, to age the last-vacuum times against
   * @param freezeMaxAge the server's {@code autovacuum_freeze_max_age}
   */
  record VacuumFacts(String primaryNode, long nowMillis, long freezeMaxAge, List<TableStats> tables) {}

  /**
   * One table to process.
   *
   * @param analyzeOnly run {@code ANALYZE} only (statistics are stale, nothing to vacuum)
   */
  record VacuumTableInput(String cluster, String database, String table, boolean freeze, boolean analyzeOnly) {}

  /**
   * How one table's run went.
   *
   * @param statement what ran
   * @param pagesRemoved pages the VACUUM truncated from the end of the table (before - after)
   * @param alreadyGone the table was dropped meanwhile: nothing ran
   */
  record TableVacuum(String table, String statement, long deadBefore, long deadAfter, long pagesBefore,
                     long pagesAfter, long pagesRemoved, long xidAgeAfter, long millis, boolean alreadyGone) {}

  /**
   * One replica's replay lag.
   *
   * @param seconds seconds since the last replayed transaction when WAL is waiting to be replayed, 0 when caught up,
   *     -1 when unknown
   * @param problem why it could not be read, or null
   */
  record ReplicaLag(String node, double seconds, String problem) {}
}
