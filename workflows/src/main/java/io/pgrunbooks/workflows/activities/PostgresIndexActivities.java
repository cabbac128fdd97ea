package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Index work on a cluster's current primary (CreateIndex). Every text a person typed (columns, where,
 * definition) reaches the server only through HypoPG's parser; what is executed is PostgreSQL's own
 * deparse of the hypothetical index, never the typed text.
 */
@ActivityInterface
public interface PostgresIndexActivities {

  /**
   * Preflight and evidence, read-only: resolves the table, has PostgreSQL parse the index (HypoPG), finds an
   * equivalent valid index, an INVALID index of the same name, the replicas' lag, the estimated size and the
   * statements of pg_stat_statements on the table with their plan cost without and with the index.
   * Bad input fails non-retryable {@code BadInput} before anything changes.
   */
  IndexPlan planCreateIndex(CreateIndexSpec spec);

  /**
   * Runs {@link IndexPlan#statement()} ({@code CREATE INDEX CONCURRENTLY}) with lock_timeout and retries,
   * heartbeating pg_stat_progress_create_index. Safe to retry after a crash: an earlier attempt's backend
   * is terminated and its INVALID index dropped; an already valid index of the same definition is success.
   * A build that fails (duplicates under unique, cancellation) has its INVALID index dropped and says why.
   */
  IndexBuild buildIndex(IndexBuildInput input);

  /** Where a running build is (pg_stat_progress_create_index of the build's backend), or null when none runs. */
  String buildProgress(IndexBuildInput input);

  /** ANALYZE of the table, then the plan cost of the statements again (the real index in place). */
  List<StatementCost> analyzeAndExplain(ExplainInput input);

  /**
   * What CreateIndex asks for.
   *
   * @param table {@code schema.name}
   * @param columns column names (optionally followed by ASC/DESC/NULLS FIRST/LAST) or expressions
   * @param definition alternative to columns: a whole {@code CREATE [UNIQUE] INDEX ON schema.table ...}
   */
  record CreateIndexSpec(String cluster, String database, String table, List<String> columns, String definition,
                         String name, boolean unique, String method, String where) {}

  /**
   * One statement of pg_stat_statements and its estimated plan cost before and after the index.
   *
   * @param costAfter NaN when unknown
   */
  record StatementCost(String queryId, String query, long calls, double meanMs, double costBefore, double costAfter) {}

  /**
   * Preflight facts and the statement to run.
   *
   * @param primaryNode node that was primary when planned (its agent measures disk headroom)
   * @param indexDef PostgreSQL's deparse of the hypothetical index
   * @param statement the exact {@code CREATE INDEX CONCURRENTLY} to run
   * @param estimatedBytes HypoPG's size estimate
   * @param equivalentIndex a valid index with the same definition, or null
   * @param invalidLeftover {@code schema.name} of an INVALID index with the requested name, or null
   * @param maxReplicaLagBytes largest replay lag among the replicas (0 with none)
   * @param notes what could not be checked, one line each
   */
  record IndexPlan(String primaryNode, String table, String name, String indexDef, String statement,
                   long estimatedBytes, String equivalentIndex, String invalidLeftover, long maxReplicaLagBytes,
                   List<StatementCost> statements, List<String> notes) {}

  /** What {@link #buildIndex} runs; {@code table} and {@code name} are {@code schema.name} and the bare name. */
  record IndexBuildInput(String cluster, String database, String table, String name, String indexDef,
                         String statement, int lockRetries, long lockTimeoutMillis) {}

  /**
   * How a build ended.
   *
   * @param built true when a valid index of the plan's definition exists now
   * @param error why it failed (its INVALID index was dropped), null when built
   * @param cleanup what was cleaned up (earlier attempts' backends, INVALID indexes), one line each
   */
  record IndexBuild(boolean built, boolean alreadyBuilt, long bytes, int attempts, String error, List<String> cleanup) {}

  /** The statements to plan again after the build. */
  record ExplainInput(String cluster, String database, String table, List<StatementCost> statements) {}
}
