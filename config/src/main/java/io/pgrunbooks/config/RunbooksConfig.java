package io.pgrunbooks.config;

import java.util.List;
import java.util.Map;

/**
 * The one config file shared by the worker, node agents, API and CLI. Load it with {@link
 * ConfigLoader}; every section except {@code clusters} may be omitted and then has its defaults.
 *
 * @param clusters PostgreSQL clusters by name, in file order
 * @param archive where archived partitions and backups go; {@code bucket} is null when archiving is not set up
 * @param backup settings of the Backup and BackupVerification runbooks
 */
public record RunbooksConfig(
    TemporalConfig temporal,
    WorkerConfig worker,
    Map<String, ClusterConfig> clusters,
    ArchiveConfig archive,
    ApprovalsConfig approvals,
    NotificationsConfig notifications,
    List<ScheduleConfig> schedules,
    ApiConfig api,
    BackupConfig backup) {

  public RunbooksConfig {
    temporal = temporal == null ? TemporalConfig.defaults() : temporal;
    worker = worker == null ? WorkerConfig.defaults() : worker;
    clusters = Copies.map(clusters);
    archive = archive == null ? ArchiveConfig.none() : archive;
    approvals = approvals == null ? ApprovalsConfig.defaults() : approvals;
    notifications = notifications == null ? NotificationsConfig.defaults() : notifications;
    schedules = Copies.list(schedules);
    api = api == null ? ApiConfig.defaults() : api;
    backup = backup == null ? BackupConfig.defaults() : backup;
  }

  /** The cluster with this name, or null if none is configured. */
  public ClusterConfig cluster(String name) {
    return name == null ? null : clusters.get(name);
  }
}
