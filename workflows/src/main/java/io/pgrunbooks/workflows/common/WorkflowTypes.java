package io.pgrunbooks.workflows.common;

import java.util.List;

/** Registered workflow type names of the public contract (DESIGN.md section 4). */
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

  public static final List<String> ALL = List.of(
      PARTITION_MAINTENANCE, ARCHIVE_PARTITION, RESTORE_PARTITION, REPLICA_REBUILD,
      FAILOVER, FAILOVER_DRILL, BACKUP, BACKUP_VERIFICATION, HEALTH_CHECK);

  private WorkflowTypes() {}
}
