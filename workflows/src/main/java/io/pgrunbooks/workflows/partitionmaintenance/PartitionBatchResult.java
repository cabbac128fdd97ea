package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.RunbookState;
import java.util.List;

/**
 * What one batch child of a large {@code PartitionMaintenance} run did, compact (counts, no partition lists): its
 * details are in its own report ({@code workflowId}).
 *
 * @param workflowId the child's id, {@code <parent id>/batch-<n>}
 * @param outcome COMPLETED, REJECTED or TIMED_OUT (its drop batch), FAILED (the child failed: {@code error})
 * @param error why the child failed, or null
 * @param evidence the expired partitions with exact rows and hashes, from a child asked for {@code evidenceOnly};
 *     empty (or null in results recorded before it) otherwise
 */
public record PartitionBatchResult(String workflowId, RunbookState outcome, String summary, List<TableSummary> tables,
                                   String error, List<ExpiredEvidence> evidence) {
  public PartitionBatchResult(String workflowId, RunbookState outcome, String summary, List<TableSummary> tables,
                              String error) {
    this(workflowId, outcome, summary, tables, error, List.of());
  }

  /**
   * One table of a batch.
   *
   * @param status OK, ATTENTION, FAILED as in {@link TableReport}
   * @param planned partitions the plan would create; {@code created} how many it did
   * @param expired expired partitions found; {@code retired} how many were dropped (or archived and dropped)
   * @param skipped what was not done, each with the reason
   */
  public record TableSummary(String table, String status, int planned, int created, int expired, int retired,
                             List<String> skipped) {}

  static PartitionBatchResult of(String workflowId, RunbookState outcome, String summary, List<TableWork> work,
                                 List<ExpiredEvidence> evidence) {
    return new PartitionBatchResult(workflowId, outcome, summary, work.stream().map(w -> new TableSummary(w.table(),
        w.report().status(), w.plan.create().size(), w.created.size(), w.plan.expired().size(), w.retired.size(),
        List.copyOf(w.skipped))).toList(), null, evidence);
  }

  /** This batch after the parent's approval of its expired partitions was refused: {@code state}, each kept. */
  PartitionBatchResult refused(RunbookState state, String why) {
    return new PartitionBatchResult(workflowId, state, summary + "; " + why, tables.stream().map(t -> t.expired() == 0 ? t
        : new TableSummary(t.table(), "FAILED".equals(t.status()) ? t.status() : "ATTENTION", t.planned(), t.created(),
            t.expired(), t.retired(), java.util.stream.Stream.concat(t.skipped().stream(), java.util.stream.Stream.of(why))
            .toList())).toList(), error, List.of());
  }

  /** The evidence, empty for results recorded before it. */
  List<ExpiredEvidence> evidenceOrEmpty() {
    return evidence == null ? List.of() : evidence;
  }

  /**
   * One batch's two rounds as one result: what the evidence round created and the retire round retired (the
   * retire round plans again and finds nothing left to create); the worse status of a table wins.
   */
  static PartitionBatchResult merge(PartitionBatchResult created, PartitionBatchResult retired) {
    List<TableSummary> tables = new java.util.ArrayList<>();
    for (TableSummary c : created.tables()) {
      TableSummary r = retired.tables().stream().filter(t -> t.table().equals(c.table())).findFirst().orElse(null);
      if (r == null) {
        tables.add(c);
        continue;
      }
      List<String> skipped = new java.util.ArrayList<>(c.skipped());
      r.skipped().stream().filter(s -> !skipped.contains(s)).forEach(skipped::add);
      String status = "FAILED".equals(c.status()) || "FAILED".equals(r.status()) ? "FAILED"
          : "OK".equals(c.status()) && "OK".equals(r.status()) ? "OK" : "ATTENTION";
      tables.add(new TableSummary(c.table(), status, c.planned(), c.created() + r.created(), c.expired(), r.retired(),
          List.copyOf(skipped)));
    }
    return new PartitionBatchResult(created.workflowId(), retired.outcome(), created.summary() + "; then "
        + retired.workflowId() + ": " + retired.summary(), List.copyOf(tables), retired.error(), List.of());
  }

  /** A child that failed as a whole: every table of it FAILED with the reason. */
  static PartitionBatchResult failed(String workflowId, List<String> tables, String why) {
    return new PartitionBatchResult(workflowId, RunbookState.FAILED, why, tables.stream().map(t -> new TableSummary(t,
        "FAILED", 0, 0, 0, 0, List.of("batch " + workflowId + " failed: " + why))).toList(), why);
  }
}
