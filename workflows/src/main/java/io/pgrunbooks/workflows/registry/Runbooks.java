package io.pgrunbooks.workflows.registry;

import static io.pgrunbooks.workflows.registry.RunbookSpec.ScheduleNeed.CLUSTER;
import static io.pgrunbooks.workflows.registry.RunbookSpec.ScheduleNeed.DATABASE;
import static io.pgrunbooks.workflows.registry.RunbookSpec.ScheduleNeed.PARTITIONED_DATABASE;

import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflow;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflowImpl;
import io.pgrunbooks.workflows.backup.BackupInput;
import io.pgrunbooks.workflows.backup.BackupResult;
import io.pgrunbooks.workflows.backup.BackupWorkflow;
import io.pgrunbooks.workflows.backup.BackupWorkflowImpl;
import io.pgrunbooks.workflows.backupverification.BackupVerificationInput;
import io.pgrunbooks.workflows.backupverification.BackupVerificationResult;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflow;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflowImpl;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failover.FailoverResult;
import io.pgrunbooks.workflows.failover.FailoverWorkflow;
import io.pgrunbooks.workflows.failover.FailoverWorkflowImpl;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillInput;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflow;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflowImpl;
import io.pgrunbooks.workflows.healthcheck.HealthCheckInput;
import io.pgrunbooks.workflows.healthcheck.HealthCheckResult;
import io.pgrunbooks.workflows.createindex.CreateIndexInput;
import io.pgrunbooks.workflows.createindex.CreateIndexResult;
import io.pgrunbooks.workflows.createindex.CreateIndexWorkflow;
import io.pgrunbooks.workflows.createindex.CreateIndexWorkflowImpl;
import io.pgrunbooks.workflows.dropindex.DropIndexInput;
import io.pgrunbooks.workflows.dropindex.DropIndexResult;
import io.pgrunbooks.workflows.dropindex.DropIndexWorkflow;
import io.pgrunbooks.workflows.dropindex.DropIndexWorkflowImpl;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflow;
import io.pgrunbooks.workflows.queryreport.QueryReportInput;
import io.pgrunbooks.workflows.queryreport.QueryReportResult;
import io.pgrunbooks.workflows.queryreport.QueryReportWorkflow;
import io.pgrunbooks.workflows.queryreport.QueryReportWorkflowImpl;
import io.pgrunbooks.workflows.reindex.ReindexInput;
import io.pgrunbooks.workflows.reindex.ReindexResult;
import io.pgrunbooks.workflows.reindex.ReindexWorkflow;
import io.pgrunbooks.workflows.reindex.ReindexWorkflowImpl;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseInput;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseResult;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseWorkflow;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseWorkflowImpl;
import io.pgrunbooks.workflows.repack.RepackInput;
import io.pgrunbooks.workflows.repack.RepackResult;
import io.pgrunbooks.workflows.repack.RepackWorkflow;
import io.pgrunbooks.workflows.repack.RepackWorkflowImpl;
import io.pgrunbooks.workflows.integritycheck.IntegrityCheckInput;
import io.pgrunbooks.workflows.integritycheck.IntegrityCheckResult;
import io.pgrunbooks.workflows.integritycheck.IntegrityCheckWorkflow;
import io.pgrunbooks.workflows.integritycheck.IntegrityCheckWorkflowImpl;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflowImpl;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceInput;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceWorkflow;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceWorkflowImpl;
import io.pgrunbooks.workflows.pitr.PointInTimeRestoreInput;
import io.pgrunbooks.workflows.pitr.PointInTimeRestoreResult;
import io.pgrunbooks.workflows.pitr.PointInTimeRestoreWorkflow;
import io.pgrunbooks.workflows.pitr.PointInTimeRestoreWorkflowImpl;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupInput;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupResult;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupWorkflow;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillInput;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillResult;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillWorkflow;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillWorkflowImpl;
import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupWorkflowImpl;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustedInput;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustedResult;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustedWorkflow;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustedWorkflowImpl;
import io.pgrunbooks.workflows.poolresize.PoolResizeInput;
import io.pgrunbooks.workflows.poolresize.PoolResizeResult;
import io.pgrunbooks.workflows.poolresize.PoolResizeWorkflow;
import io.pgrunbooks.workflows.poolresize.PoolResizeWorkflowImpl;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflowImpl;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionInput;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionResult;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflow;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflowImpl;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsInput;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsResult;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflow;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflowImpl;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzeInput;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzeResult;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzeWorkflow;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzeWorkflowImpl;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartInput;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartResult;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartWorkflow;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartWorkflowImpl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The single list of runbooks (DESIGN.md section 2): adding a runbook is one entry here plus its
 * package; {@code RunbooksConsistencyTest} fails until its replay history, README row and docs page
 * exist. Contract order (DESIGN.md section 4).
 */
public final class Runbooks {
  public static final RunbookSpec PARTITION_MAINTENANCE = RunbookSpec.of(
          PartitionMaintenanceWorkflow.class, PartitionMaintenanceWorkflowImpl.class,
          PartitionMaintenanceInput.class, PartitionMaintenanceResult.class,
          "Create future partitions, report coverage gaps and default-partition rows, retire expired partitions "
              + "(drops need approval).",
          "partition-maintenance:{cluster}:{database}", "cluster", "database")
      .withDefaults("tables", "all configured tables", "premake", "each table's configured premake",
          "parallel", "4 (activities at once, each one connection to the primary)")
      .withScheduleNeeds(CLUSTER, PARTITIONED_DATABASE)
      .markDestructive()
      .markPartitionsOnly()
      .withDocs("ops/docs/partition-maintenance.md");

  public static final RunbookSpec ARCHIVE_PARTITION = RunbookSpec.of(
          ArchivePartitionWorkflow.class, ArchivePartitionWorkflowImpl.class,
          ArchivePartitionInput.class, ArchivePartitionResult.class,
          "Export one partition to S3, verify checksum and row count, then drop it after approval.",
          "archive-partition:{cluster}:{database}:{partition}", "cluster", "database", "partition")
      .withDefaults("drop", "true", "deepVerify", "true")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .markDestructive()
      .markPartitionsOnly()
      .withDocs("ops/docs/archive-partition.md");

  public static final RunbookSpec RESTORE_PARTITION = RunbookSpec.of(
          RestorePartitionWorkflow.class, RestorePartitionWorkflowImpl.class,
          RestorePartitionInput.class, RestorePartitionResult.class,
          "Restore an archived partition from its S3 manifest into a table, optionally re-attached to its parent.",
          "restore-partition:{cluster}:{database}:{targetTable|partition}", "cluster", "database",
          "manifestKey|partition")
      .withTarget("cluster", "database", "targetTable|partition|manifestKey")
      .withDefaults("targetTable", "the archived partition's own name",
          "partition", "instead of manifestKey: restore the newest archive of this schema.name",
          "archivedAt", "with partition: the newest archive")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .withIdFieldHint("its workflow id names the target table, which defaults to the original name read from the "
          + "manifest at run time; give \"targetTable\" in the input or an explicit workflow id")
      .withDocs("ops/docs/archive-partition.md#restorepartition");

  public static final RunbookSpec REPLICA_REBUILD = RunbookSpec.of(
          ReplicaRebuildWorkflow.class, ReplicaRebuildWorkflowImpl.class,
          ReplicaRebuildInput.class, ReplicaRebuildResult.class,
          "Rebuild a broken replica with pg_basebackup from the current primary (wiping its data dir needs approval).",
          "replica-rebuild:{cluster}:{replica}", "cluster", "replica")
      .markDestructive()
      .markTopologyLocked()
      .withDocs("ops/docs/replica-rebuild.md");

  public static final RunbookSpec FAILOVER = RunbookSpec.of(
          FailoverWorkflow.class, FailoverWorkflowImpl.class, FailoverInput.class, FailoverResult.class,
          "Promote a replica: fence or cleanly stop the primary, promote, repoint PgBouncer and the other replicas "
              + "(two approvals of the possible data loss).",
          "failover:{cluster}", "cluster", "promote", "reason")
      .withTarget("cluster", "promote")
      .markDestructive()
      .markTopologyLocked()
      .withDocs("ops/docs/failover.md");

  public static final RunbookSpec FAILOVER_DRILL = RunbookSpec.of(
          FailoverDrillWorkflow.class, FailoverDrillWorkflowImpl.class, FailoverDrillInput.class,
          FailoverDrillResult.class,
          "Monthly failover rehearsal with proof: sentinel rows and a write probe through PgBouncer, switchover, "
              + "pg_rewind rejoin, switch back, RB-4 report.",
          "failover-drill:{cluster}", "cluster")
      .withDefaults("replica", "the healthiest streaming replica", "switchBack", "true",
          "window", "failover.drill.window of the config (or at once)")
      .markDestructive()
      .markTopologyLocked()
      .withDocs("ops/docs/failover.md#failoverdrill-seed-runbook-rb-4");

  public static final RunbookSpec BACKUP = RunbookSpec.of(
          BackupWorkflow.class, BackupWorkflowImpl.class, BackupInput.class, BackupResult.class,
          "Logical backup of one database to S3 with a manifest of table row counts; applies backup retention.",
          "backup:{cluster}:{database}", "cluster", "database")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .markDestructive()
      .withDocs("ops/docs/backup.md");

  public static final RunbookSpec BACKUP_VERIFICATION = RunbookSpec.of(
          BackupVerificationWorkflow.class, BackupVerificationWorkflowImpl.class, BackupVerificationInput.class,
          BackupVerificationResult.class,
          "Restore a backup into a scratch instance, compare row counts and run amcheck.",
          "backup-verification:{cluster}:{database}", "cluster", "database")
      .withDefaults("backupKey", "the newest complete backup")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .withDocs("ops/docs/backup.md#backupverification");

  public static final RunbookSpec HEALTH_CHECK = RunbookSpec.of(
          HealthCheckWorkflow.class, HealthCheckWorkflowImpl.class, HealthCheckInput.class, HealthCheckResult.class,
          "Read-only check of every node: role, replication lag, connections, long queries, disk, backup age.",
          "health-check:{cluster}", "cluster")
      .withDocs("ops/docs/health-check.md");

  public static final RunbookSpec TERMINATE_SESSIONS = RunbookSpec.of(
          TerminateSessionsWorkflow.class, TerminateSessionsWorkflowImpl.class, TerminateSessionsInput.class,
          TerminateSessionsResult.class,
          "End stuck client sessions chosen by criteria (idle in transaction, blocking, long running, user, "
              + "application, query): evidence, approval, cancel then terminate, each bound to (pid, backend_start).",
          "terminate-sessions:{cluster}", "cluster")
      .withDefaults("maxSessions", "10", "cancelFirst", "true", "database", "every database of the cluster")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .markDestructive()
      .withDocs("ops/docs/terminate-sessions.md");

  public static final RunbookSpec POOL_RESIZE = RunbookSpec.of(
          PoolResizeWorkflow.class, PoolResizeWorkflowImpl.class, PoolResizeInput.class, PoolResizeResult.class,
          "Resize one PgBouncer pool within the primary's connection headroom: evidence, approval, atomic rewrite of "
              + "the entry, RELOAD, SHOW DATABASES check; optional revertAfter puts the old size back.",
          "pool-resize:{cluster}:{database}", "cluster", "database", "poolSize")
      .withTarget("cluster", "database")
      .withDefaults("reservePoolSize", "unchanged", "revertAfter", "never (the new size stays)")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .markDestructive()
      .withDocs("ops/docs/pool-resize.md");

  public static final RunbookSpec POOL_EXHAUSTED = RunbookSpec.of(
          PoolExhaustedWorkflow.class, PoolExhaustedWorkflowImpl.class, PoolExhaustedInput.class,
          PoolExhaustedResult.class,
          "Connection pool exhausted (RB-21): diagnose one PgBouncer pool, propose ending idle-in-transaction holders "
              + "or a temporary bigger pool, one approval, act through a child TerminateSessions or PoolResize that "
              + "carries it, check that cl_waiting fell.",
          "pool-exhausted:{cluster}", "cluster")
      .withDefaults("database", "the entry with the most waiting clients", "idleInTransactionLongerThan", "1m",
          "revertAfter", "1h")
      .markDestructive()
      .withDocs("ops/docs/pool-exhausted.md");

  public static final RunbookSpec CREATE_INDEX = RunbookSpec.of(
          CreateIndexWorkflow.class, CreateIndexWorkflowImpl.class, CreateIndexInput.class, CreateIndexResult.class,
          "CREATE INDEX CONCURRENTLY after catalog and HypoPG checks, with evidence, approval and progress.",
          "create-index:{cluster}:{database}:{table}", "cluster", "database", "table")
      .withDefaults("name", "table_columns_idx", "unique", "false", "method", "btree")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .markDestructive()
      .withDocs("ops/docs/create-index.md");

  public static final RunbookSpec DROP_INDEX = RunbookSpec.of(
          DropIndexWorkflow.class, DropIndexWorkflowImpl.class, DropIndexInput.class, DropIndexResult.class,
          "DROP INDEX CONCURRENTLY after approval; refuses constraint indexes and indexes a replica uses.",
          "drop-index:{cluster}:{database}:{index}", "cluster", "database", "index")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .markDestructive()
      .withDocs("ops/docs/drop-index.md");

  public static final RunbookSpec REINDEX = RunbookSpec.of(
          ReindexWorkflow.class, ReindexWorkflowImpl.class, ReindexInput.class, ReindexResult.class,
          "REINDEX CONCURRENTLY of an INVALID or bloated index or a table's indexes, after leftover cleanup and approval.",
          "reindex:{cluster}:{database}:{index|table}", "cluster", "database", "index|table")
      .withDefaults("force", "false")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .markDestructive()
      .withDocs("ops/docs/reindex.md");

  public static final RunbookSpec VACUUM_ANALYZE = RunbookSpec.of(
          VacuumAnalyzeWorkflow.class, VacuumAnalyzeWorkflowImpl.class, VacuumAnalyzeInput.class,
          VacuumAnalyzeResult.class,
          "Plain VACUUM (ANALYZE) of the tables that need it (dead tuples, staleness, wraparound age first), one table "
              + "at a time, pausing while a replica lags, stopping at the end of the window; no approval needed.",
          "vacuum-analyze:{cluster}:{database}", "cluster", "database")
      .withDefaults("tables", "chosen by thresholds", "minDeadTupleRatio", "0.1", "freeze", "false",
          "maxReplicaLagSeconds", "30", "window", "no limit", "freezeAgeFraction", "0.8")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .withDocs("ops/docs/vacuum-analyze.md");

  public static final RunbookSpec PHYSICAL_BACKUP = RunbookSpec.of(
          PhysicalBackupWorkflow.class,
          PhysicalBackupWorkflowImpl.class,
          PhysicalBackupInput.class,
          PhysicalBackupResult.class,
          "pgBackRest backup of the cluster on the primary's agent (incr, full when none exists); expire with approval.",
          "physical-backup:{cluster}", "cluster")
      .withDefaults("type", "incr, or full when the repository holds no full backup")
      .markDestructive()
      .withDocs("ops/docs/physical-backup.md");

  public static final RunbookSpec RESTORE_DRILL = RunbookSpec.of(
          RestoreDrillWorkflow.class, RestoreDrillWorkflowImpl.class, RestoreDrillInput.class,
          RestoreDrillResult.class,
          "Restore the newest physical backup + WAL to a target time into a scratch instance, prove it with sentinel "
              + "rows, row counts and amcheck, remove it; reports RTO and RPO.",
          "restore-drill:{cluster}", "cluster")
      .withDefaults("targetTime", "the newest point: between sentinels the drill writes",
          "database", "the cluster's first configured database, else postgres")
      .withDocs("ops/docs/restore-drill.md");

  public static final RunbookSpec POINT_IN_TIME_RESTORE = RunbookSpec.of(
          PointInTimeRestoreWorkflow.class, PointInTimeRestoreWorkflowImpl.class, PointInTimeRestoreInput.class,
          PointInTimeRestoreResult.class,
          "Restore the physical backup + WAL to a time, LSN or restore point into a scratch instance beside the "
              + "primary, verify the target was reached, keep it for keepFor (release signal ends it), remove it; "
              + "or (into: node, approval, topology lock) into a replica's data directory, left paused at the target; "
              + "or (into: inPlace, two approvers) the whole cluster back to the target.",
          "point-in-time-restore:{cluster}", "cluster")
      .withDefaults("into", "scratch", "keepFor", "24h")
      .withDocs("ops/docs/point-in-time-restore.md");

  public static final RunbookSpec RESTORE_DATABASE = RunbookSpec.of(
          RestoreDatabaseWorkflow.class, RestoreDatabaseWorkflowImpl.class, RestoreDatabaseInput.class,
          RestoreDatabaseResult.class,
          "Restores a Backup (pg_dump) into a new database on the primary and checks its row counts against the"
              + " manifest; swap: true renames the live database away and the restored one into place (approval).",
          "restore-database:{cluster}:{targetDatabase}", "cluster", "database", "targetDatabase")
      .withDefaults("backupKey", "the newest complete backup of database", "swap", "false")
      .markDestructive()
      .withDocs("ops/docs/restore-database.md");

  public static final RunbookSpec REPACK = RunbookSpec.of(
          RepackWorkflow.class, RepackWorkflowImpl.class, RepackInput.class, RepackResult.class,
          "pg_repack of one bloated table after the key and disk headroom checks and approval; a failed or killed"
              + " repack's repack.* objects are dropped.",
          "repack:{cluster}:{database}:{table}", "cluster", "database", "table")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .markDestructive()
      .withDocs("ops/docs/repack.md");

  public static final RunbookSpec INTEGRITY_CHECK = RunbookSpec.of(
          IntegrityCheckWorkflow.class, IntegrityCheckWorkflowImpl.class, IntegrityCheckInput.class,
          IntegrityCheckResult.class,
          "amcheck (verify_heapam, bt_index_check) on a replica and checksum failures on every node; corruption"
              + " pages (critical).",
          "integrity-check:{cluster}:{database}", "cluster", "database")
      .withDefaults("node", "a replica when there is one", "tables", "every table", "heapallindexed", "false")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .withDocs("ops/docs/integrity-check.md");

  public static final RunbookSpec QUERY_REPORT = RunbookSpec.of(
          QueryReportWorkflow.class, QueryReportWorkflowImpl.class, QueryReportInput.class, QueryReportResult.class,
          "Read-only report: pg_stat_statements deltas, plans and HypoPG what-if indexes, unused/duplicate/INVALID indexes, bloat.",
          "query-report:{cluster}:{database}", "cluster", "database")
      .withDefaults("top", "20", "node", "the current primary")
      .withScheduleNeeds(CLUSTER, DATABASE)
      .withDocs("ops/docs/query-report.md");

  public static final RunbookSpec ROLLING_RESTART = RunbookSpec.of(
          RollingRestartWorkflow.class, RollingRestartWorkflowImpl.class, RollingRestartInput.class,
          RollingRestartResult.class,
          "Change server parameters on every node (ALTER SYSTEM, or Patroni's config) after one approval with the diff,"
              + " restart the replicas one at a time, switch over, restart the old primary; verify every value is live.",
          "rolling-restart:{cluster}", "cluster")
      .markDestructive()
      .markTopologyLocked()
      .withDocs("ops/docs/rolling-restart.md");

  /** Every runbook, in contract order. */
  public static final List<RunbookSpec> ALL = List.of(
      PARTITION_MAINTENANCE, ARCHIVE_PARTITION, RESTORE_PARTITION, REPLICA_REBUILD, FAILOVER, FAILOVER_DRILL,
      BACKUP, BACKUP_VERIFICATION, HEALTH_CHECK,
      TERMINATE_SESSIONS, POOL_RESIZE, POOL_EXHAUSTED, CREATE_INDEX, DROP_INDEX, REINDEX, QUERY_REPORT,
      VACUUM_ANALYZE, REPACK, INTEGRITY_CHECK, PHYSICAL_BACKUP, RESTORE_DRILL, POINT_IN_TIME_RESTORE,
      RESTORE_DATABASE, ROLLING_RESTART);

  private static final Map<String, RunbookSpec> BY_TYPE =
      ALL.stream().collect(Collectors.toMap(RunbookSpec::type, s -> s, (a, b) -> {
        throw new IllegalStateException("two runbooks named " + a.type());
      }, LinkedHashMap::new));

  private Runbooks() {}

  /** The runbook registered under this workflow type, or null. */
  public static RunbookSpec get(String type) {
    return type == null ? null : BY_TYPE.get(type);
  }

  /** The registered workflow type names, in contract order. */
  public static List<String> types() {
    return List.copyOf(BY_TYPE.keySet());
  }

  /**
   * What the central worker registers: every runbook's implementation plus the workflows runbooks
   * use internally (the topology lock, PartitionMaintenance's batch children).
   */
  public static List<Class<?>> workflowImplementations() {
    List<Class<?>> out = new ArrayList<>();
    ALL.forEach(s -> out.add(s.implementation()));
    out.add(TopologyLockWorkflowImpl.class);
    out.add(io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchWorkflowImpl.class);
    return List.copyOf(out);
  }
}
