package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.NewPartition;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import java.util.List;

/**
 * What one run decided for one table from its catalog facts.
 *
 * @param create missing partitions to create, oldest first
 * @param skipped intervals not created, each with the reason
 * @param expired partitions whose upper bound is at or before {@code cutoff}
 * @param cutoff the earliest of now − retention, now − minRetention and the current interval's start;
 *     null when the policy keeps partitions forever
 */
public record TablePlan(PartitionPolicy policy, String keyType, List<NewPartition> create, List<String> skipped,
                        Coverage coverage, List<PartitionFacts> expired, String cutoff) {}
