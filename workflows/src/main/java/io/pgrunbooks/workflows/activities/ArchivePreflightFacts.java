package io.pgrunbooks.workflows.activities;

import java.time.Instant;
import java.util.List;

/**
 * What the archive runbook's preflight learned about one partition from the catalog of the current primary
 * (not the per-partition listing of partition maintenance, {@code PostgresPartitionActivities.PartitionFacts}); the workflow
 * decides from these facts whether it may be archived and dropped (DESIGN.md invariant 3).
 *
 * @param boundSpec {@code pg_get_expr(relpartbound)}, e.g. {@code FOR VALUES FROM ('2025-01-01') TO ('2025-02-01')};
 *     used verbatim to re-attach
 * @param lowerBound / upperBound the range bounds as instants (UTC); null for MINVALUE/MAXVALUE, a
 *     non-range partition or a key that is not a date or timestamp
 * @param dbNow the server's {@code now()}: "current" and "future" are judged against it
 * @param retentionCutoff data wholly before this instant has expired under the parent's policy;
 *     null when the policy keeps partitions forever
 * @param minRetentionCutoff the compliance floor's cutoff; null when there is no floor
 * @param parentDdl the parent's column list and partition key, as {@code CREATE TABLE} text
 */
public record ArchivePreflightFacts(
    PartitionRef ref,
    String primaryNode,
    String serverVersion,
    boolean isDefault,
    String boundSpec,
    Instant lowerBound,
    Instant upperBound,
    Instant dbNow,
    String retention,
    String minRetention,
    Instant retentionCutoff,
    Instant minRetentionCutoff,
    boolean policyArchives,
    List<ColumnDef> columns,
    String partitionKey,
    String parentDdl,
    List<String> indexes,
    long rowEstimate,
    String compression,
    String bucket) {}
