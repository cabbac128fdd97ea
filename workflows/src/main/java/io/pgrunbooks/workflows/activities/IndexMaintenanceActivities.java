package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Reads about existing indexes, drops one (DropIndex) and rebuilds them (Reindex). */
@ActivityInterface
public interface IndexMaintenanceActivities {

  /**
   * The index's facts: table, definition, validity, size, the constraint behind it, and idx_scan on every node
   * (a node that cannot be read is a note, not a zero). An unknown index is non-retryable {@code BadInput}.
   */
  IndexFacts inspectIndex(IndexRef ref);

  /**
   * {@code DROP INDEX CONCURRENTLY} on the primary, after checking again that no constraint uses it. Safe to retry:
   * an index already gone is reported as such.
   */
  DroppedIndex dropIndex(IndexRef ref);

  /**
   * The indexes a Reindex of {@code index} or {@code table} rebuilds, each with its size, validity and HypoPG's
   * estimate of a freshly built copy; INVALID {@code _ccnew}/{@code _ccold} leftovers of an interrupted
   * {@code REINDEX CONCURRENTLY} on the table; the primary node (its agent measures headroom).
   */
  ReindexFacts inspectReindex(ReindexTarget target);

  /**
   * Drops the table's INVALID {@code _ccnew}/{@code _ccold} leftovers, then {@code REINDEX (INDEX|TABLE)
   * CONCURRENTLY}; returns the sizes afterwards. A retry after a crash terminates the earlier attempt's backend and
   * drops what it left before it starts again.
   */
  List<IndexSize> reindex(ReindexTarget target);

  /**
   * Where a running {@link #reindex} of {@code target} is (pg_stat_progress_create_index of its backend, found by
   * its application_name), in words; null when none runs.
   */
  String reindexProgress(ReindexTarget target);

  /** Either {@code index} or {@code table} ({@code schema.name}). */
  record ReindexTarget(String cluster, String database, String index, String table) {}

  /**
   * One index's size.
   *
   * @param freshBytes HypoPG's estimate of a new copy, -1 when unknown (method it cannot simulate, no extension)
   */
  record IndexSize(String index, boolean valid, long bytes, long freshBytes) {}

  /** What a Reindex would rebuild and clean up. */
  record ReindexFacts(String primaryNode, String table, List<IndexSize> indexes, List<String> leftovers,
                      List<String> notes) {}

  /** An index by {@code schema.name} in a database of a cluster. */
  record IndexRef(String cluster, String database, String index) {}

  /**
   * idx_scan of the index on one node since its statistics were reset.
   *
   * @param scans -1 when the node could not be read
   */
  record NodeScans(String node, boolean replica, long scans, String statsResetAt, String problem) {}

  /**
   * @param constraint {@code name (primary key|unique|exclusion)} of the constraint the index enforces, or null
   * @param notes what could not be checked
   */
  record IndexFacts(String index, String table, String definition, boolean valid, long bytes, String constraint,
                    List<NodeScans> scans, List<String> notes) {}

  /** How the drop ended. */
  record DroppedIndex(boolean alreadyGone, long bytesFreed) {}
}
