package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.backup.PostgresBackupActivities;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * See {@link PostgresBackupActivities}. Passwords reach child processes only through their environment.
 * The dump side is {@link BackupDump}, the verification side {@link ScratchRestore}.
 */
public class PostgresBackupActivitiesImpl implements PostgresBackupActivities {
  private final BackupDump dump;
  private final ScratchRestore scratch;

  public PostgresBackupActivitiesImpl(RunbooksConfig config, Map<String, String> env) {
    // Exact counts of big tables take long: no socket timeout beyond the activity's own.
    ConnectionFactory connections = new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofHours(12));
    PgTools tools = new PgTools(config.backup().pgBinDir());
    this.dump = new BackupDump(config, env, connections, tools, new BackupStoreActivitiesImpl(config, env));
    this.scratch = new ScratchRestore(config, env, tools);
  }

  @Override
  public BackupSource chooseSource(ChooseSourceInput input) {
    return dump.chooseSource(input);
  }

  @Override
  public BackupManifest dumpToStore(DumpInput input) {
    return dump.dumpToStore(input);
  }

  @Override
  public RestoreResult restore(RestoreInput input) {
    return scratch.restore(input);
  }

  @Override
  public List<TableCount> countRows(CountRowsInput input) {
    return scratch.countRows(input);
  }

  @Override
  public AmcheckResult amcheck(ScratchInput input) {
    return scratch.amcheck(input);
  }

  @Override
  public boolean dropScratch(ScratchInput input) {
    return scratch.dropScratch(input);
  }
}
