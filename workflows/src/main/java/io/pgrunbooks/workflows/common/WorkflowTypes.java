package io.pgrunbooks.workflows.common;

/**
 * Registered workflow type names as compile-time constants: the one place each name is spelled. The
 * workflow interfaces' {@code @WorkflowMethod(name = ...)} use them, and so does code that names another
 * runbook (reports, child runs, metrics). The list of runbooks is {@code registry.Runbooks.ALL}; {@code
 * RunbooksConsistencyTest} holds these constants equal to it.
 */
public final class WorkflowTypes {
  public static final String PARTITION_MAINTENANCE = "PartitionMaintenance";
  public static final String ARCHIVE_PARTITION = "ArchivePartition";
  public static final String RESTORE_PARTITION = "RestorePartition";
  public static final String REPLICA_REBUILD = "ReplicaRebuild";
  public static final String FAILOVER = "Failover";
  public static final String FAILOVER_DRILL = "FailoverDrill";
  public static final String BACKUP = "Backup";
  public static final String BACKUP_VERIFICATION = "BackupVerification";
  public static final String HEALTH_CHECK = "HealthCheck";
  public static final String TERMINATE_SESSIONS = "TerminateSessions";
  public static final String POOL_RESIZE = "PoolResize";
  public static final String POOL_EXHAUSTED = "PoolExhausted";
  public static final String CREATE_INDEX = "CreateIndex";
  public static final String DROP_INDEX = "DropIndex";
  public static final String REINDEX = "Reindex";
  public static final String QUERY_REPORT = "QueryReport";
  public static final String VACUUM_ANALYZE = "VacuumAnalyze";
  public static final String PHYSICAL_BACKUP = "PhysicalBackup";
  public static final String RESTORE_DRILL = "RestoreDrill";
  public static final String POINT_IN_TIME_RESTORE = "PointInTimeRestore";
  public static final String REPACK = "Repack";
  public static final String INTEGRITY_CHECK = "IntegrityCheck";
  public static final String RESTORE_DATABASE = "RestoreDatabase";
  public static final String ROLLING_RESTART = "RollingRestart";

  private WorkflowTypes() {}
}
