package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * SQL (and COPY streams) of the archive and restore runbooks, on the current primary of a
 * configured cluster. Every identifier is resolved through the catalog and quoted; every method is
 * idempotent or guarded so that a retry converges (DESIGN.md invariant 7).
 */
@ActivityInterface
public interface PostgresArchiveActivities {
  /**
   * Catalog facts of a partition; BadInput for a malformed or unknown name, a table that is not a
   * leaf partition, or a parent without a partition policy in the config. Read-only.
   */
  @ActivityMethod
  ArchivePreflightFacts inspectPartition(InspectPartitionInput input);

  /** Detaches the partition (CONCURRENTLY where allowed, else with a short lock_timeout); a no-op when already detached. */
  @ActivityMethod
  DetachResult detachPartition(PartitionRef ref);

  /** Attaches the table to its parent with {@code boundSpec}; a no-op when already attached; SafetyRefused on overlap. */
  @ActivityMethod
  void attachPartition(AttachInput input);

  /**
   * Attaches a restored table: only to a parent that has a partition policy in the config, only after
   * checking that its bounds overlap no existing partition of the parent (BadInput / SafetyRefused, nothing
   * changed), then as {@link #attachPartition}.
   */
  @ActivityMethod
  void attachRestored(AttachInput input);

  /**
   * {@code COPY ... TO STDOUT (FORMAT csv, HEADER)} in one REPEATABLE READ snapshot under a SHARE lock
   * (no writes during the export), compressed and streamed into an S3 multipart upload without a temp
   * file, to this run's own keys, never over an existing object; aborts stale uploads of earlier attempts
   * first, and a retry that finds this run's finished upload reuses it. Heartbeats bytes done.
   */
  @ActivityMethod
  ExportResult exportPartition(ExportInput input);

  /**
   * In one transaction: exclusive lock, re-hash the canonical CSV, DROP only when rows and SHA-256
   * equal the archive's; SafetyRefused (nothing dropped) otherwise.
   */
  @ActivityMethod
  DropPartitionResult dropPartition(DropPartitionInput input);

  /**
   * In one transaction: CREATE TABLE from the manifest's columns (BadInput if it exists), COPY the
   * streamed, decompressed archive into it, commit only when hashes and row count match the manifest.
   */
  @ActivityMethod
  RestoreTableResult restoreTable(RestoreTableInput input);
}
