package io.pgrunbooks.workflows.activities;

import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * pg_repack of one table on the current primary. The {@code pg_repack} client runs on the central worker: it is a
 * libpq client like {@code pg_dump} (Backup), needs nothing of the database host but a connection, and the
 * worker that runs it also holds the connection that cleans up after it.
 */
@ActivityInterface
public interface RepackActivities {

  /**
   * Sizes, the bloat estimate (the table from its statistics, the indexes through the Reindex estimate), the key
   * pg_repack would use, whether the extension and the client are installed, and {@code repack.*} objects an
   * earlier run left for this table. An unknown table is non-retryable {@code BadInput}.
   */
  RepackFacts inspectRepack(RepackTarget target);

  /**
   * Runs {@code pg_repack --table} (never {@code --no-order}, always {@code --no-kill-backend}), heartbeating its
   * last output line and the bytes copied so far. Leftovers of an earlier attempt are dropped first; a failed,
   * cancelled or timed-out run is killed and its {@code repack.*} objects are dropped before the failure is
   * thrown (non-retryable {@code RepackFailed}, the message lists what was dropped).
   */
  RepackOutcome repack(RepackTarget target);

  /**
   * Drops what a killed pg_repack left for this table: its trigger on the table and {@code repack.log_<oid>},
   * {@code repack.table_<oid>}, {@code repack.pk_<oid>}, after terminating a pg_repack backend still working on
   * it. Idempotent; returns what it dropped.
   */
  List<String> cleanupRepack(RepackTarget target);

  /** A table ({@code schema.name}) in a database of a cluster. */
  record RepackTarget(String cluster, String database, String table) {}

  /**
   * What a repack would do.
   *
   * @param table {@code schema.name} as the catalog spells it
   * @param tableBytes heap + TOAST, without indexes
   * @param freshTableBytes estimated size of a fresh copy of the live rows (statistics); -1 when unknown
   * @param key the primary key or unique not-null index pg_repack would order by, or null
   * @param keyProblem why pg_repack would refuse this table, or null
   * @param extensionProblem why the extension or the client cannot run (not installed, versions differ), or null
   * @param leftovers {@code repack.*} objects an earlier run left for this table
   */
  record RepackFacts(String primaryNode, String table, long tableBytes, long freshTableBytes, long liveTuples,
                     long deadTuples, List<IndexSize> indexes, String key, String keyProblem,
                     String extensionProblem, List<String> leftovers, List<String> notes) {

    public long indexBytes() {
      return indexes.stream().mapToLong(IndexSize::bytes).sum();
    }
  }

  /**
   * How the repack ended.
   *
   * @param cleanedBefore leftovers of an earlier attempt dropped before it started
   */
  record RepackOutcome(long tableBytesBefore, long indexBytesBefore, long tableBytesAfter, long indexBytesAfter,
                       List<String> cleanedBefore, String lastOutput, long seconds) {}
}
