package io.pgrunbooks.workflows.replay;

import io.pgrunbooks.workflows.approval.ApprovalGatePaths;
import io.pgrunbooks.workflows.approval.GatedTestWorkflowImpl;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionPaths;
import io.pgrunbooks.workflows.backup.BackupPaths;
import io.pgrunbooks.workflows.failover.FailoverPaths;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenancePaths;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildPaths;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionPaths;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustedPaths;
import io.pgrunbooks.workflows.poolresize.PoolResizePaths;
import io.pgrunbooks.workflows.registry.Runbooks;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsPaths;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The registry of recorded paths. A new runbook adds one line per path to {@link #ALL}; its
 * implementation is registered from its spec in {@code Runbooks.ALL}.
 */
public final class HistoryScenarios {
  /** What replay registers: what the worker registers ({@link Runbooks}) plus the approval gate's test runbook. */
  public static final List<Class<?>> WORKFLOW_IMPLEMENTATIONS = Stream.concat(
      Runbooks.workflowImplementations().stream(), Stream.of(GatedTestWorkflowImpl.class)).toList();

  public static final List<HistoryScenario> ALL = List.of(
      new HistoryScenario("HealthCheck", "healthy", HealthCheckPaths::healthy),
      new HistoryScenario("RestoreDrill", "passed",
          io.pgrunbooks.workflows.restoredrill.RestoreDrillPaths::passed),
      new HistoryScenario("RestoreDrill", "after-sentinel-present",
          io.pgrunbooks.workflows.restoredrill.RestoreDrillPaths::afterSentinelPresent),
      new HistoryScenario("RestoreDrill", "restore-failed",
          io.pgrunbooks.workflows.restoredrill.RestoreDrillPaths::restoreFailed),
      new HistoryScenario("RestoreDrill", "dry-run", io.pgrunbooks.workflows.restoredrill.RestoreDrillPaths::dryRun),
      new HistoryScenario("PointInTimeRestore", "kept-until-timeout",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::keptUntilTimeout),
      new HistoryScenario("PointInTimeRestore", "released",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::released),
      new HistoryScenario("PointInTimeRestore", "target-not-reached",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::targetNotReached),
      new HistoryScenario("PointInTimeRestore", "dry-run",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::dryRun),
      new HistoryScenario("PointInTimeRestore", "into-node-approved",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::intoNodeApproved),
      new HistoryScenario("PointInTimeRestore", "into-node-put-back",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::intoNodePutBack),
      new HistoryScenario("PointInTimeRestore", "in-place-approved",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::inPlaceApproved),
      new HistoryScenario("PointInTimeRestore", "in-place-put-back",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::inPlacePutBack),
      new HistoryScenario("PhysicalBackup", "first-full",
          io.pgrunbooks.workflows.physicalbackup.PhysicalBackupPaths::firstFull),
      new HistoryScenario("PhysicalBackup", "expire-approved",
          io.pgrunbooks.workflows.physicalbackup.PhysicalBackupPaths::expireApproved),
      new HistoryScenario("PhysicalBackup", "expire-rejected",
          io.pgrunbooks.workflows.physicalbackup.PhysicalBackupPaths::expireRejected),
      new HistoryScenario("PhysicalBackup", "dry-run", io.pgrunbooks.workflows.physicalbackup.PhysicalBackupPaths::dryRun),
      new HistoryScenario("PhysicalBackup", "expire-proven",
          io.pgrunbooks.workflows.physicalbackup.PhysicalBackupPaths::expireProven),
      new HistoryScenario("PhysicalBackup", "from-standby",
          io.pgrunbooks.workflows.physicalbackup.PhysicalBackupPaths::fromStandby),
      new HistoryScenario("CreateIndex", "built", io.pgrunbooks.workflows.createindex.CreateIndexPaths::built),
      new HistoryScenario("CreateIndex", "rejected", io.pgrunbooks.workflows.createindex.CreateIndexPaths::rejected),
      new HistoryScenario("CreateIndex", "build-failed", io.pgrunbooks.workflows.createindex.CreateIndexPaths::buildFailed),
      new HistoryScenario("CreateIndex", "slow-build", io.pgrunbooks.workflows.createindex.CreateIndexPaths::slowBuild),
      new HistoryScenario("DropIndex", "dropped", io.pgrunbooks.workflows.dropindex.DropIndexPaths::dropped),
      new HistoryScenario("DropIndex", "rejected", io.pgrunbooks.workflows.dropindex.DropIndexPaths::rejected),
      new HistoryScenario("DropIndex", "constraint-refused", io.pgrunbooks.workflows.dropindex.DropIndexPaths::constraintRefused),
      new HistoryScenario("Reindex", "rebuilt", io.pgrunbooks.workflows.reindex.ReindexPaths::rebuilt),
      new HistoryScenario("Reindex", "rejected", io.pgrunbooks.workflows.reindex.ReindexPaths::rejected),
      new HistoryScenario("Reindex", "nothing-to-do", io.pgrunbooks.workflows.reindex.ReindexPaths::nothingToDo),
      new HistoryScenario("Reindex", "slow-rebuild", io.pgrunbooks.workflows.reindex.ReindexPaths::slowRebuild),
      new HistoryScenario("QueryReport", "reported", io.pgrunbooks.workflows.queryreport.QueryReportPaths::reported),
      new HistoryScenario("QueryReport", "findings", io.pgrunbooks.workflows.queryreport.QueryReportPaths::findings),
      new HistoryScenario("QueryReport", "bad-node", io.pgrunbooks.workflows.queryreport.QueryReportPaths::badNode),
      new HistoryScenario("VacuumAnalyze", "vacuumed", io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzePaths::vacuumed),
      new HistoryScenario("VacuumAnalyze", "window-ended", io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzePaths::windowEnded),
      new HistoryScenario("VacuumAnalyze", "cancelled-at-window-end",
          io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzePaths::cancelledAtWindowEnd),
      new HistoryScenario("VacuumAnalyze", "table-failed", io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzePaths::tableFailed),
      new HistoryScenario("VacuumAnalyze", "nothing-to-do", io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzePaths::nothingToDo),
      new HistoryScenario("Repack", "repacked", io.pgrunbooks.workflows.repack.RepackPaths::repacked),
      new HistoryScenario("Repack", "rejected", io.pgrunbooks.workflows.repack.RepackPaths::rejected),
      new HistoryScenario("Repack", "failed-cleaned", io.pgrunbooks.workflows.repack.RepackPaths::failedAndCleaned),
      new HistoryScenario("Repack", "no-key", io.pgrunbooks.workflows.repack.RepackPaths::noKey),
      new HistoryScenario("IntegrityCheck", "clean", io.pgrunbooks.workflows.integritycheck.IntegrityCheckPaths::clean),
      new HistoryScenario("IntegrityCheck", "corruption-found",
          io.pgrunbooks.workflows.integritycheck.IntegrityCheckPaths::corruptionFound),
      new HistoryScenario("HealthCheck", "replica-down", HealthCheckPaths::replicaDown),
      new HistoryScenario("HealthCheck", "agent-missing", HealthCheckPaths::agentMissing),
      new HistoryScenario("HealthCheck", "morning-page-findings", HealthCheckPaths::morningPageFindings),
      new HistoryScenario("HealthCheck", "archive-lag", HealthCheckPaths::archiveLag),
      new HistoryScenario("RestoreDatabase", "restored",
          io.pgrunbooks.workflows.restoredatabase.RestoreDatabasePaths::restored),
      new HistoryScenario("RestoreDatabase", "swapped",
          io.pgrunbooks.workflows.restoredatabase.RestoreDatabasePaths::swapped),
      new HistoryScenario("RestoreDatabase", "swap-rejected",
          io.pgrunbooks.workflows.restoredatabase.RestoreDatabasePaths::swapRejected),
      new HistoryScenario("TopologyLock", "grant-release", TopologyLockPaths::grantAndRelease),
      new HistoryScenario("TopologyLock", "refuse", TopologyLockPaths::refuse),
      new HistoryScenario("TopologyLock", "child-shares", TopologyLockPaths::childShares),
      new HistoryScenario("TopologyLock", "holder-ended", TopologyLockPaths::holderEnded),
      // The approval gate, through the test runbook every real runbook's gate behaves like.
      new HistoryScenario("GatedTest", "approved-by-update", ApprovalGatePaths::approvedByUpdate),
      new HistoryScenario("GatedTest", "approved-by-oidc-update", ApprovalGatePaths::approvedByOidcUpdate),
      new HistoryScenario("GatedTest", "approved-by-sso-roles", ApprovalGatePaths::approvedBySsoRoles),
      new HistoryScenario("GatedTest", "approved-by-signal", ApprovalGatePaths::approvedBySignal),
      new HistoryScenario("GatedTest", "rejected", ApprovalGatePaths::rejected),
      new HistoryScenario("GatedTest", "timed-out", ApprovalGatePaths::timedOut),
      new HistoryScenario("GatedTest", "reminded-then-approved", ApprovalGatePaths::remindedThenApproved),
      new HistoryScenario("GatedTest", "two-person", ApprovalGatePaths::twoPerson),
      new HistoryScenario("GatedTest", "plan-changed", ApprovalGatePaths::planChanged),
      new HistoryScenario("GatedTest", "pre-approved", ApprovalGatePaths::preApproved),
      new HistoryScenario("RollingRestart", "direct",
          io.pgrunbooks.workflows.rollingrestart.RollingRestartPaths::direct),
      new HistoryScenario("RollingRestart", "patroni",
          io.pgrunbooks.workflows.rollingrestart.RollingRestartPaths::patroni),
      new HistoryScenario("RollingRestart", "patroni-candidate-poll",
          io.pgrunbooks.workflows.rollingrestart.RollingRestartPaths::patroni),
      new HistoryScenario("RollingRestart", "reload-only",
          io.pgrunbooks.workflows.rollingrestart.RollingRestartPaths::reloadOnly),
      new HistoryScenario("RollingRestart", "rewind-failed-rebuilt",
          io.pgrunbooks.workflows.rollingrestart.RollingRestartPaths::rewindFailedRebuilt),
      new HistoryScenario("ReplicaRebuild", "rebuilt", ReplicaRebuildPaths::rebuilt),
      new HistoryScenario("ReplicaRebuild", "rejected", ReplicaRebuildPaths::rejected),
      new HistoryScenario("ReplicaRebuild", "dry-run", ReplicaRebuildPaths::dryRun),
      new HistoryScenario("ReplicaRebuild", "restored-after-failure", ReplicaRebuildPaths::restoredAfterFailure),
      new HistoryScenario("ReplicaRebuild", "patroni-reinitialized", ReplicaRebuildPaths::patroniReinitialized),
      new HistoryScenario("ReplicaRebuild", "delegated-by-in-place-restore",
          io.pgrunbooks.workflows.pitr.PointInTimeRestorePaths::inPlaceRebuildChild),
      new HistoryScenario("PartitionMaintenance", "created-ahead", PartitionMaintenancePaths::createdAhead),
      new HistoryScenario("PartitionMaintenance", "retired", PartitionMaintenancePaths::retired),
      new HistoryScenario("PartitionMaintenance", "batch-children", PartitionMaintenancePaths::batchChildren),
      new HistoryScenario("PartitionMaintenance", "archived-one-approval",
          PartitionMaintenancePaths::archivedUnderOneApproval),
      new HistoryScenario("PartitionMaintenanceBatch", "retired", PartitionMaintenancePaths::batchChild),
      new HistoryScenario("PartitionMaintenance", "batch-approval", PartitionMaintenancePaths::batchApproval),
      new HistoryScenario("PartitionMaintenanceBatch", "evidence", PartitionMaintenancePaths::evidenceChild),
      new HistoryScenario("PartitionMaintenanceBatch", "retire-delegated", PartitionMaintenancePaths::retireChild),
      new HistoryScenario("ArchivePartition", "delegated-drop", PartitionMaintenancePaths::delegatedArchive),
      new HistoryScenario("ArchivePartition", "approved-drop", ArchivePartitionPaths::approvedDrop),
      new HistoryScenario("ArchivePartition", "rejected", ArchivePartitionPaths::rejected),
      new HistoryScenario("ArchivePartition", "verify-mismatch", ArchivePartitionPaths::verifyMismatch),
      new HistoryScenario("ArchivePartition", "shallow-never-drops", ArchivePartitionPaths::shallowNeverDrops),
      new HistoryScenario("RestorePartition", "restored-attached", RestorePartitionPaths::restoredAndAttached),
      new HistoryScenario("RestorePartition", "by-partition-attached", RestorePartitionPaths::byPartitionAttached),
      new HistoryScenario("Failover", "switchover", FailoverPaths::switchover),
      new HistoryScenario("Failover", "rejected", FailoverPaths::rejected),
      new HistoryScenario("Failover", "compensated", FailoverPaths::compensated),
      new HistoryScenario("Failover", "fence-refused", FailoverPaths::fenceRefused),
      new HistoryScenario("Failover", "candidate-fenced", FailoverPaths::candidateFenced),
      new HistoryScenario("Failover", "cancelled", FailoverPaths::cancelled),
      new HistoryScenario("Failover", "patroni-switchover", FailoverPaths::patroniSwitchover),
      // The same path since failover-through-patroni: Patroni's view first, a healthy leader, then the switchover.
      new HistoryScenario("Failover", "patroni-view-switchover", FailoverPaths::patroniSwitchover),
      new HistoryScenario("Failover", "patroni-timed-out", FailoverPaths::patroniTimedOut),
      new HistoryScenario("Failover", "patroni-fenced", FailoverPaths::patroniFenced),
      // The same paths since patroni-switchover-candidate-poll: POST and the candidate polled in one activity.
      new HistoryScenario("Failover", "patroni-candidate-poll", FailoverPaths::patroniSwitchover),
      new HistoryScenario("Failover", "patroni-candidate-poll-timed-out", FailoverPaths::patroniTimedOut),
      new HistoryScenario("FailoverDrill", "patroni-candidate-poll", FailoverPaths::drillPassedOnPatroni),
      new HistoryScenario("FailoverDrill", "passed", FailoverPaths::drillPassed),
      new HistoryScenario("FailoverDrill", "skipped", FailoverPaths::drillSkipped),
      new HistoryScenario("FailoverDrill", "window-too-far", FailoverPaths::drillWindowTooFar),
      new HistoryScenario("FailoverDrill", "patroni-passed", FailoverPaths::drillPassedOnPatroni),
      new HistoryScenario("Backup", "from-replica", BackupPaths::backedUpFromReplica),
      new HistoryScenario("Backup", "retention-approved", BackupPaths::retentionApproved),
      new HistoryScenario("Backup", "retention-rejected", BackupPaths::retentionRejected),
      new HistoryScenario("Backup", "dry-run", BackupPaths::dryRun),
      new HistoryScenario("BackupVerification", "verified", BackupPaths::verified),
      new HistoryScenario("BackupVerification", "count-mismatch", BackupPaths::countMismatch),
      new HistoryScenario("BackupVerification", "restore-failed", BackupPaths::restoreFailed),
      new HistoryScenario("BackupVerification", "cancelled-mid-restore", BackupPaths::cancelledMidRestore),
      new HistoryScenario("TerminateSessions", "approved", TerminateSessionsPaths::approved),
      new HistoryScenario("TerminateSessions", "rejected", TerminateSessionsPaths::rejected),
      new HistoryScenario("TerminateSessions", "dry-run", TerminateSessionsPaths::dryRun),
      new HistoryScenario("TerminateSessions", "too-many", TerminateSessionsPaths::tooMany),
      new HistoryScenario("PoolResize", "approved-reverted", PoolResizePaths::approvedReverted),
      new HistoryScenario("PoolResize", "rejected", PoolResizePaths::rejected),
      new HistoryScenario("PoolResize", "dry-run", PoolResizePaths::dryRun),
      new HistoryScenario("PoolResize", "refused", PoolResizePaths::refused),
      new HistoryScenario("PoolExhausted", "terminated", PoolExhaustedPaths::terminated),
      new HistoryScenario("PoolExhausted", "resized", PoolExhaustedPaths::resized),
      new HistoryScenario("PoolExhausted", "rejected", PoolExhaustedPaths::rejected),
      new HistoryScenario("PoolExhausted", "nothing-to-do", PoolExhaustedPaths::nothingToDo),
      new HistoryScenario("TerminateSessions", "delegated", PoolExhaustedPaths::delegatedTerminate),
      new HistoryScenario("PoolResize", "delegated", PoolExhaustedPaths::delegatedResize));

  private HistoryScenarios() {}

  /** {@code workflows/src/test/resources/histories}, from the module directory surefire runs in. */
  public static Path directory() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
        .resolve("src/test/resources/histories");
  }
}
