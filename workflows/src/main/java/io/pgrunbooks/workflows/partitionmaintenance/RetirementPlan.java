package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.Delegation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one approval of a run's whole expired set (issue 22): every partition to archive-then-drop and every partition
 * to drop without archive, across tables, with its exact rows, bytes and CSV SHA-256. Pure.
 *
 * <p>The request's plan digest is {@link Delegation#digest} of {@link #STEP} and {@link #items}, so a batch child can
 * carry the approval as a delegation whose scope is its own tables' items: a partition whose rows or hash moved since
 * the evidence is outside that scope and its child asks again.
 */
final class RetirementPlan {
  /**
   * Approval step of a set with archives; {@code approvals.preApprovals} name it with target
   * {@code cluster/database}. A set of drops only keeps {@link Retirement#DROP_STEP}, so its pre-approvals hold.
   */
  static final String STEP = "retire-partitions";
  /** Change id of the one approval per run for archives and drops, archive children in parallel. */
  static final String VERSION = "partition-maintenance-one-approval";
  /** Partitions the approval page lists one by one; above it, the rest as one summary line (the log has all). */
  static final int SHOWN = 40;

  private RetirementPlan() {}

  /** The scope line of one partition: what it will become, its bounds, exact rows and CSV hash. */
  static String item(boolean archive, PartitionCount c) {
    return (archive ? "archive " : "drop ") + c.name() + "|" + c.from() + "|" + c.to() + "|" + c.rows() + "|"
        + c.sha256();
  }

  static List<String> items(List<ExpiredEvidence> tables) {
    List<String> out = new ArrayList<>();
    tables.forEach(t -> t.counts().forEach(c -> out.add(item(t.archive(), c))));
    return out;
  }

  /** One evidence line: bounds, exact rows, bytes, hash and what happens to it. */
  static String line(boolean archive, PartitionCount c) {
    return "[" + c.from() + ", " + c.to() + "): " + c.rows() + " rows (exact), " + c.totalBytes() + " bytes"
        + (c.sha256() == null ? "" : ", CSV SHA-256 " + c.sha256())
        + (archive ? "; archive to S3, verify, then drop" : "; drop (no archive)");
  }

  /**
   * The request for {@code tables}: the first {@link #SHOWN} partitions as evidence rows, the rest summarised in one
   * row (totals), the digest over every partition.
   *
   * @param parallel ArchivePartition children at once, named in the action
   */
  static ApprovalRequest request(String cluster, String database, List<ExpiredEvidence> tables, int parallel) {
    Map<String, String> evidence = new LinkedHashMap<>();
    int archives = 0;
    int drops = 0;
    int hidden = 0;
    long hiddenRows = 0;
    long hiddenBytes = 0;
    for (ExpiredEvidence t : tables) {
      for (PartitionCount c : t.counts()) {
        if (t.archive()) {
          archives++;
        } else {
          drops++;
        }
        if (evidence.size() < SHOWN) {
          evidence.put(c.name(), line(t.archive(), c));
        } else {
          hidden++;
          hiddenRows += c.rows();
          hiddenBytes += c.totalBytes();
        }
      }
    }
    if (hidden > 0) {
      evidence.put("and " + hidden + " more partitions", hiddenRows + " rows (exact), " + hiddenBytes
          + " bytes in total; each one with its bounds, rows and CSV SHA-256 is in this run's log (details)");
    }
    List<String> what = new ArrayList<>();
    if (archives > 0) {
      what.add("ARCHIVE to S3, verify and DROP " + archives + " expired partitions (ArchivePartition children, "
          + parallel + " at once, each dropping only the exact rows and hash shown here)");
    }
    if (drops > 0) {
      what.add("DROP TABLE " + drops + " expired partitions (no archive)");
    }
    String action = String.join("; ", what) + " of " + tables.size() + " tables";
    String step = step(tables);
    return new ApprovalRequest(step, action, cluster + "/" + database, evidence, Delegation.digest(step, items(tables)),
        null);
  }

  /** {@link #STEP} when anything is archived, else {@link Retirement#DROP_STEP} (drops only, as before). */
  static String step(List<ExpiredEvidence> tables) {
    return tables.stream().anyMatch(t -> t.archive() && !t.counts().isEmpty()) ? STEP : Retirement.DROP_STEP;
  }

  /** The lines the run's log keeps when the approval page shows only the first {@link #SHOWN}. */
  static List<String> fullList(List<ExpiredEvidence> tables) {
    List<String> out = new ArrayList<>();
    tables.forEach(t -> t.counts().forEach(c -> out.add("evidence " + c.name() + " " + line(t.archive(), c))));
    return out.size() > SHOWN ? out : List.of();
  }
}
