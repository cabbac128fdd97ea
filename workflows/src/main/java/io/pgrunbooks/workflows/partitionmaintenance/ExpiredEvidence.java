package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import java.util.List;

/**
 * One table's expired partitions with their exact evidence (rows, bytes, CSV SHA-256), as a batch child collects
 * them for its parent's one approval ({@link RetirementPlan}).
 *
 * @param archive the table's policy archives them (ArchivePartition) instead of dropping them
 */
public record ExpiredEvidence(String table, boolean archive, List<PartitionCount> counts) {
  public ExpiredEvidence {
    counts = counts == null ? List.of() : List.copyOf(counts);
  }
}
