package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.backup.AmcheckResult;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupSource;
import io.pgrunbooks.workflows.backup.ChooseSourceInput;
import io.pgrunbooks.workflows.backup.CountRowsInput;
import io.pgrunbooks.workflows.backup.DumpInput;
import io.pgrunbooks.workflows.backup.RestoreInput;
import io.pgrunbooks.workflows.backup.RestoreResult;
import io.pgrunbooks.workflows.backup.ScratchInput;
import io.pgrunbooks.workflows.backup.TableCount;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * PostgreSQL side of backups: dumps from a cluster and restores into the verification target.
 * Every method is idempotent or guarded, so a retry after a worker crash converges.
 */
@ActivityInterface
public interface PostgresBackupActivities {
  /** Picks the node to dump from: a healthy replica when preferred and available, else the primary. */
  BackupSource chooseSource(ChooseSourceInput input);

  /**
   * Exports a REPEATABLE READ snapshot, counts rows in it, streams {@code pg_dump --snapshot --format=custom}
   * into a multipart upload at {@code backupKey/dump.pgdump} (aborting stale uploads of an earlier attempt
   * first), then writes {@code manifest.json} beside it. Heartbeats the bytes uploaded.
   */
  BackupManifest dumpToStore(DumpInput input);

  /**
   * Downloads the dump (streaming, SHA-256 checked against the manifest), creates the scratch database
   * on the verification target and runs {@code pg_restore --jobs}. A checksum mismatch fails
   * non-retryably (SafetyRefused) with both digests. Heartbeats.
   */
  RestoreResult restore(RestoreInput input);

  /** Exact row counts of the given tables in the scratch database (missing tables count -1). */
  List<TableCount> countRows(CountRowsInput input);

  /** {@code pg_amcheck} on the scratch database, or "not available" when the tool is missing. */
  AmcheckResult amcheck(ScratchInput input);

  /** DROP DATABASE IF EXISTS ... WITH (FORCE) on the verification target; true when it existed. */
  boolean dropScratch(ScratchInput input);
}
