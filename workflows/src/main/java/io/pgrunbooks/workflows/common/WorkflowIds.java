package io.pgrunbooks.workflows.common;

/**
 * Workflow ids used when a runbook is started by hand (DESIGN.md section 4). Schedules append
 * their own timestamp. One id per target means Temporal itself refuses a second concurrent run
 * on the same target.
 */
public final class WorkflowIds {
  private WorkflowIds() {}

  public static String terminateSessions(String cluster) {
    return "terminate-sessions:" + cluster;
  }

  public static String poolResize(String cluster, String database) {
    return "pool-resize:" + cluster + ":" + database;
  }

  public static String poolExhausted(String cluster) {
    return "pool-exhausted:" + cluster;
  }

  public static String healthCheck(String cluster) {
    return "health-check:" + cluster;
  }

  public static String createIndex(String cluster, String database, String table) {
    return "create-index:" + cluster + ":" + database + ":" + table;
  }

  public static String dropIndex(String cluster, String database, String index) {
    return "drop-index:" + cluster + ":" + database + ":" + index;
  }

  public static String queryReport(String cluster, String database) {
    return "query-report:" + cluster + ":" + database;
  }

  public static String reindex(String cluster, String database, String indexOrTable) {
    return "reindex:" + cluster + ":" + database + ":" + indexOrTable;
  }

  public static String vacuumAnalyze(String cluster, String database) {
    return "vacuum-analyze:" + cluster + ":" + database;
  }

  public static String repack(String cluster, String database, String table) {
    return "repack:" + cluster + ":" + database + ":" + table;
  }

  public static String integrityCheck(String cluster, String database) {
    return "integrity-check:" + cluster + ":" + database;
  }

  public static String partitionMaintenance(String cluster, String database) {
    return "partition-maintenance:" + cluster + ":" + database;
  }

  public static String archivePartition(String cluster, String database, String partition) {
    return "archive-partition:" + cluster + ":" + database + ":" + partition;
  }

  public static String restorePartition(String cluster, String database, String target) {
    return "restore-partition:" + cluster + ":" + database + ":" + target;
  }

  public static String replicaRebuild(String cluster, String replica) {
    return "replica-rebuild:" + cluster + ":" + replica;
  }

  public static String failover(String cluster) {
    return "failover:" + cluster;
  }

  public static String failoverDrill(String cluster) {
    return "failover-drill:" + cluster;
  }

  public static String backup(String cluster, String database) {
    return "backup:" + cluster + ":" + database;
  }

  public static String backupVerification(String cluster, String database) {
    return "backup-verification:" + cluster + ":" + database;
  }

  public static String physicalBackup(String cluster) {
    return "physical-backup:" + cluster;
  }

  public static String restoreDatabase(String cluster, String targetDatabase) {
    return "restore-database:" + cluster + ":" + targetDatabase;
  }

  public static String restoreDrill(String cluster) {
    return "restore-drill:" + cluster;
  }

  public static String pointInTimeRestore(String cluster) {
    return "point-in-time-restore:" + cluster;
  }

  public static String rollingRestart(String cluster) {
    return "rolling-restart:" + cluster;
  }
}
