package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * QueryReport's reads: pg_stat_statements against the previous snapshot, plans and HypoPG what-if indexes of the
 * worst statements, and the health of the database's indexes. Nothing here changes the database: plans are
 * {@code EXPLAIN} without ANALYZE of prepared statements in a read-only transaction that is rolled back, and the
 * hypothetical indexes live only in the reading session (reset after).
 */
@ActivityInterface
public interface QueryReportActivities {

  /**
   * Top statements of pg_stat_statements on the node as deltas since the previous snapshot of the same cluster and
   * database (kept in the archive bucket), then keeps this run's snapshot for the next run (a retry of the same run
   * rewrites its own). The first run, and a run after {@code pg_stat_statements_reset()}, report totals and say so.
   * A database without pg_stat_statements is a non-retryable {@code Config} failure naming the command.
   */
  StatementsReport statements(StatementsInput input);

  /** The plan of each statement, its sequential scans on large tables and the HypoPG index candidates that help. */
  List<StatementPlan> plans(PlansInput input);

  /** Unused (idx_scan = 0 on the primary and every replica), duplicate and INVALID indexes; bloat estimates. */
  IndexHealth indexHealth(IndexHealthInput input);

  /**
   * @param node configured node to read, null for the current primary
   * @param runId this run's id: the snapshot it keeps is named after it, so a retry does not use it as baseline
   * @param keepSnapshot false on a dry run: nothing is written
   */
  record StatementsInput(String cluster, String database, String node, int top, String runId,
                         boolean keepSnapshot) {}

  /**
   * One statement's counters over the reported interval.
   *
   * @param query pg_stat_statements' normalized text ($1 for constants)
   * @param totalMs execution time in the interval, milliseconds
   */
  record StatementDelta(String queryId, String user, String query, long calls, double totalMs, double meanMs,
                        long rows) {}

  /**
   * What pg_stat_statements says about the interval.
   *
   * @param node the node read
   * @param firstRun no earlier snapshot of this cluster and database: the lists are totals
   * @param statsReset pg_stat_statements was reset since the previous snapshot: the lists are totals since the reset
   * @param since start of the interval (previous snapshot's time, else the statistics' reset time)
   * @param baseline the interval in words
   * @param worst statements whose plans are read: the top plannable ones (no DDL, VACUUM, SET) by total and by
   *     mean time
   */
  record StatementsReport(String node, boolean firstRun, boolean statsReset, String since, String baseline,
                          List<StatementDelta> byTotalTime, List<StatementDelta> byMeanTime,
                          List<StatementDelta> byCalls, List<StatementDelta> byRows, List<StatementDelta> worst,
                          List<String> notes) {}

  /** @param largeTableBytes a sequential scan of a table at least this large is reported */
  record PlansInput(String cluster, String database, String node, List<StatementDelta> statements,
                    long largeTableBytes) {}

  /** A sequential scan of a large table in a plan; {@code filter} as EXPLAIN prints it, null without one. */
  record SeqScan(String table, long bytes, double planRows, String filter) {}

  /**
   * A hypothetical index (HypoPG) and what it does to the statement's estimated cost.
   *
   * @param definition PostgreSQL's deparse of the hypothetical index
   * @param bytes HypoPG's size estimate
   */
  record Candidate(String definition, long bytes, double costBefore, double costAfter) {}

  /**
   * @param plan EXPLAIN's text (generic plan when the statement has parameters), null when it could not be planned
   * @param problem why it was not planned, else null
   */
  record StatementPlan(String queryId, String query, String plan, double cost, List<SeqScan> seqScans,
                       List<Candidate> candidates, String problem) {}

  record IndexHealthInput(String cluster, String database) {}

  /** An index or table worth a look, with the reason in {@code detail}. */
  record IndexNote(String name, String table, long bytes, String detail) {}

  /**
   * @param unused valid, non-constraint indexes never scanned since the statistics' reset on any node
   * @param duplicates indexes with the same table, columns, operator classes, expressions and predicate as another
   * @param notes what could not be checked (an unreachable replica: unused indexes are then not claimed)
   */
  record IndexHealth(List<IndexNote> unused, List<IndexNote> duplicates, List<IndexNote> invalid,
                     List<IndexNote> bloatedIndexes, List<IndexNote> bloatedTables, List<String> notes) {}
}
