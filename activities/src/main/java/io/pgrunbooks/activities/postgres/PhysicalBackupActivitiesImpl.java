package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupActivities;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupTarget;

/** Config and current primary for {@code PhysicalBackup}. */
public class PhysicalBackupActivitiesImpl implements PhysicalBackupActivities {
  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public PhysicalBackupActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public PhysicalBackupTarget physicalBackupTarget(String cluster) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    PgBackRestConfig b = c.pgbackrest();
    if (b == null) {
      throw Lookups.badInput("cluster " + cluster + " has no pgbackrest section: physical backups are not set up "
          + "(see ops/docs/physical-backup.md)");
    }
    try (Primary primary = Primary.open(config, connections, cluster, "postgres")) {
      return new PhysicalBackupTarget(primary.node(), b.stanza(), b.retentionFull(), b.minFull(),
          (int) Math.min(Integer.MAX_VALUE, config.worker().agentStartTimeout().toSeconds()));
    }
  }
}
