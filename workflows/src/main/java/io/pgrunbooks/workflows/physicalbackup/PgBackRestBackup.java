package io.pgrunbooks.workflows.physicalbackup;

import java.util.List;

/**
 * One backup of a stanza as {@code pgbackrest info --output=json} lists it.
 *
 * @param label backup label, e.g. {@code 20261206-063000F_20261206-064500I}
 * @param type {@code full}, {@code diff} or {@code incr}
 * @param startEpoch start time, seconds since the epoch
 * @param stopEpoch stop time, seconds since the epoch
 * @param size database size the backup restores
 * @param repoSize bytes it takes in the repository (compressed, this backup's own files)
 * @param walStart first WAL segment needed to make it consistent
 * @param walStop last WAL segment needed to make it consistent
 * @param references labels of the backups it depends on (empty for a full backup)
 * @param runKey the {@code pg-runbooks-run} annotation: the workflow id of the run that took it, or null
 * @param drillProof the {@code pg-runbooks-drill} annotation: {@code <workflowId>/<runId>@<time>} of the last restore
 *     drill that restored this backup and passed, or null when none did
 */
public record PgBackRestBackup(String label, String type, long startEpoch, long stopEpoch, long size, long repoSize,
                               String walStart, String walStop, List<String> references, String runKey,
                               String drillProof) {
  public PgBackRestBackup {
    references = references == null ? List.of() : List.copyOf(references);
  }

  /** A backup no drill has proven (yet). */
  public PgBackRestBackup(String label, String type, long startEpoch, long stopEpoch, long size, long repoSize,
                          String walStart, String walStop, List<String> references, String runKey) {
    this(label, type, startEpoch, stopEpoch, size, repoSize, walStart, walStop, references, runKey, null);
  }

  public boolean full() {
    return "full".equals(type);
  }
}
