package io.pgrunbooks.workflows.backup;

import java.time.Instant;
import java.util.List;

/**
 * {@code manifest.json} beside a dump: what was dumped, from where, in which snapshot, and how to
 * check it. Written after the dump upload completed, so its presence marks a complete backup.
 *
 * @param snapshotTime {@code now()} of the snapshot's transaction
 * @param lsn {@code pg_current_wal_lsn()} on a primary, {@code pg_last_wal_replay_lsn()} on a replica
 * @param tables per-table counts in the dump's snapshot
 * @param dumpKey object key of the custom-format dump
 * @param sha256 hex SHA-256 of the dump object, computed while streaming
 */
public record BackupManifest(int format, String cluster, String database, String node, String role,
                             String serverVersion, String pgDumpVersion, Instant snapshotTime, String lsn,
                             List<TableCount> tables, String dumpKey, long dumpBytes, String sha256,
                             String workflowId, String runId, Instant startedAt, Instant finishedAt) {
  public BackupManifest {
    tables = tables == null ? List.of() : List.copyOf(tables);
  }
}
