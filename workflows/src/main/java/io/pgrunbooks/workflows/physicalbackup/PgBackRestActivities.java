package io.pgrunbooks.workflows.physicalbackup;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * pgBackRest on a database host, run by that host's node agent (the backup reads the data directory).
 * Each call passes the cluster's config file, stanza, repository path and the node's data dir and port;
 * the repository passphrase, when configured, goes through the environment, never the command line.
 */
@ActivityInterface
public interface PgBackRestActivities {
  /** {@code pgbackrest info --output=json}: the stanza's backups, oldest first. */
  @ActivityMethod
  List<PgBackRestBackup> pgbackrestInfo(PgBackRestCall call);

  /**
   * {@code pgbackrest backup --type=<type>} annotated with the run key, heartbeating its progress; returns
   * the new backup. Idempotent: when a backup with this run key exists already (an earlier attempt finished
   * before its worker died) it is returned and no second one is taken.
   */
  @ActivityMethod
  PgBackRestBackup pgbackrestBackup(PgBackRestCall call);

  /**
   * {@code pgbackrest expire --set=<label>} for each label still present (with its dependents); returns the
   * labels it expired. A label already gone is skipped, so a retry converges.
   */
  @ActivityMethod
  List<String> pgbackrestExpire(PgBackRestCall call);

  /**
   * {@code pgbackrest annotate --set=<label> --annotation=pg-runbooks-drill=<proof>}: records that a restore drill
   * restored this backup. Idempotent (the same value again changes nothing); a label that is gone fails
   * non-retryably.
   */
  @ActivityMethod
  void pgbackrestAnnotate(PgBackRestAnnotateCall call);
}
