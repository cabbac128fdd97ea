package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableDropped;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a table's drop did when its drop activity failed as a whole: the approved partitions the catalog no longer
 * holds were dropped (the table's drops are one transaction, which committed before the activity failed). Pure.
 */
final class DropRecheck {
  private DropRecheck() {}

  /**
   * @param approved the partitions the approval covered
   * @param now the table as the catalog describes it after the failure
   * @param failed the answer recorded for the table when its activity failed
   */
  static TableDropped of(List<PartitionCount> approved, TableFacts now, TableDropped failed) {
    Set<String> present = now.partitions().stream().map(PartitionFacts::name).collect(Collectors.toSet());
    List<String> gone = approved.stream().map(PartitionCount::name).filter(n -> !present.contains(n)).toList();
    if (gone.size() == approved.size()) {
      return new TableDropped(failed.table(), gone, List.of(), null);
    }
    String error = failed.error() + (gone.isEmpty() ? "; every approved partition is still there"
        : "; " + gone.size() + " of " + approved.size() + " approved partitions are gone (dropped)");
    return new TableDropped(failed.table(), gone, List.of(), error);
  }
}
