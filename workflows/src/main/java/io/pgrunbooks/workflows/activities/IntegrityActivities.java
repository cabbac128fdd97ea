package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** amcheck and checksum counters for IntegrityCheck; reads only, apart from {@code CREATE EXTENSION amcheck}. */
@ActivityInterface
public interface IntegrityActivities {

  /**
   * Resolves the tables (unknown ones are non-retryable {@code BadInput}) and the node to check: the requested
   * one (unknown: {@code BadInput}), else the first reachable replica, else the primary (a note says so).
   * Creates the amcheck extension on the primary when it is missing (it then replicates) and reports that; on a
   * dry run it only notes that it would.
   */
  IntegrityPlan planIntegrity(IntegrityTarget target);

  /** {@code pg_stat_database.checksum_failures} of every database on every node; an unreachable node is a problem. */
  List<NodeChecksums> checksumFailures(String cluster);

  /**
   * {@code verify_heapam} on each table (with its TOAST) and {@code bt_index_check} on each valid btree index of
   * them on {@code plan.node()}, heartbeating which relation it is on. Every corruption is returned with
   * amcheck's own message, never thrown.
   */
  IntegrityFindings checkRelations(IntegrityTarget target, IntegrityPlan plan);

  /**
   * @param tables {@code schema.name}; empty: every table of the database
   * @param node null: a replica when there is one
   * @param dryRun create nothing (not even the amcheck extension)
   */
  record IntegrityTarget(String cluster, String database, String node, List<String> tables, boolean heapallindexed,
                         boolean dryRun) {}

  /**
   * @param node where amcheck runs
   * @param replica whether that node is a replica
   * @param tables the resolved tables ({@code schema.name}), in order
   * @param createdExtension whether this run created amcheck on the primary
   */
  record IntegrityPlan(String node, boolean replica, String primaryNode, List<String> tables, boolean createdExtension,
                       List<String> notes) {}

  /**
   * One node's counters.
   *
   * @param failures checksum failures per database ({@code datname: n, last at ...}), only those above zero
   * @param problem why the node could not be read, or null
   */
  record NodeChecksums(String node, boolean dataChecksums, long total, List<String> failures, String problem) {}

  /** One corrupt relation: {@code kind} is {@code heap} or {@code btree}; {@code message} is amcheck's. */
  record Corruption(String relation, String kind, String message) {}

  /** What amcheck found; {@code skipped} lists relations it could not check and why. */
  record IntegrityFindings(String node, int tablesChecked, int indexesChecked, List<Corruption> corruptions,
                           List<String> skipped, long seconds) {}
}
