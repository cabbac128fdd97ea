package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.util.ArrayList;
import java.util.List;

/** Workflow-side state of one table during a run; becomes its {@link TableReport}. */
final class TableWork {
  final TablePlan plan;
  TableFacts facts;
  final List<String> created = new ArrayList<>();
  final List<String> retired = new ArrayList<>();
  final List<String> skipped = new ArrayList<>();
  boolean failed;

  TableWork(TablePlan plan, TableFacts facts) {
    this.plan = plan;
    this.facts = facts;
    skipped.addAll(plan.skipped());
  }

  String table() {
    return plan.policy().table();
  }

  /** Adds partitions created during the run to the facts, in bound order (MINVALUE first). */
  void addPartitions(List<PartitionFacts> added) {
    if (added.isEmpty()) {
      return;
    }
    List<PartitionFacts> all = new ArrayList<>(facts.partitions());
    all.addAll(added);
    all.sort(java.util.Comparator.comparing(PartitionFacts::from,
        java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
    facts = new TableFacts(facts.table(), facts.keyColumn(), facts.keyType(), List.copyOf(all),
        facts.defaultPartition(), facts.defaultRows());
  }

  void failed(String why) {
    failed = true;
    skipped.add(why);
  }

  TableReport report() {
    String status = failed ? "FAILED" : plan.coverage().clean() && skipped.isEmpty() ? "OK" : "ATTENTION";
    List<PartitionFacts> stats = facts.partitions();
    return new TableReport(table(), status, List.copyOf(created), plan.coverage(), stats, List.copyOf(retired),
        List.copyOf(skipped));
  }
}
