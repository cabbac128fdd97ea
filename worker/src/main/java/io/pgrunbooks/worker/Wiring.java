package io.pgrunbooks.worker;

import io.pgrunbooks.activities.approval.ApprovalActivitiesImpl;
import io.pgrunbooks.activities.backup.BackupStoreActivitiesImpl;
import io.pgrunbooks.activities.backup.PostgresBackupActivitiesImpl;
import io.pgrunbooks.activities.config.ConfigActivitiesImpl;
import io.pgrunbooks.activities.failover.FailoverActivitiesImpl;
import io.pgrunbooks.activities.pgbouncer.PgBouncerActivitiesImpl;
import io.pgrunbooks.activities.pgbouncer.PgBouncerPoolActivitiesImpl;
import io.pgrunbooks.activities.lock.LockActivitiesImpl;
import io.pgrunbooks.activities.node.FailoverNodeActivitiesImpl;
import io.pgrunbooks.activities.node.NodeActivitiesImpl;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresActivitiesImpl;
import io.pgrunbooks.activities.postgres.SessionActivitiesImpl;
import io.pgrunbooks.activities.postgres.PostgresArchiveActivitiesImpl;
import io.pgrunbooks.activities.postgres.PostgresPartitionActivitiesImpl;
import io.pgrunbooks.activities.postgres.PostgresReplicationActivitiesImpl;
import io.pgrunbooks.activities.s3.S3ActivitiesImpl;
import io.pgrunbooks.activities.s3.S3ClientFactory;
import io.pgrunbooks.config.QueueSlots;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.registry.Runbooks;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverterException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** All wiring in one place: which workflows and activities each process registers. */
final class Wiring {
  private Wiring() {}

  /**
   * Temporal's worker options for one queue from {@code worker.central} or {@code worker.heavy}: the
   * activity and workflow task slots and pollers (the heavy queue has no workflows, so only activity ones).
   */
  static WorkerOptions options(QueueSlots slots, boolean workflows) {
    WorkerOptions.Builder b = WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(slots.activitySlots())
        .setMaxConcurrentActivityTaskPollers(slots.activityPollers());
    if (workflows) {
      b.setMaxConcurrentWorkflowTaskExecutionSize(slots.workflowTaskSlots())
          .setMaxConcurrentWorkflowTaskPollers(slots.workflowPollers());
    }
    return b.build();
  }

  /** The activities of the central worker, made once and registered on each queue the process polls. */
  static final class CentralActivities {
    final Object[] central;
    final Object[] heavy;

    CentralActivities(Object[] central, Object[] heavy) {
      this.central = central;
      this.heavy = heavy;
    }
  }

  static CentralActivities activities(WorkflowClient client, RunbooksConfig cfg, Map<String, String> env) {
    ConnectionFactory connections = new ConnectionFactory(cfg, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(60));
    S3ClientFactory s3 = new S3ClientFactory(cfg.archive(), () -> env);
    PostgresArchiveActivitiesImpl archive = new PostgresArchiveActivitiesImpl(cfg, connections, s3);
    S3ActivitiesImpl objects = new S3ActivitiesImpl(s3);
    PostgresBackupActivitiesImpl backup = new PostgresBackupActivitiesImpl(cfg, env);
    // Who is primary, per clusters.<name>.topology: the topology runbooks and those that back up from the primary.
    List<io.pgrunbooks.activities.postgres.TopologyBackend> topology = List.of(
        new io.pgrunbooks.activities.postgres.DirectBackend(connections),
        new io.pgrunbooks.activities.patroni.PatroniBackend(connections, () -> env));
    Object[] central = {
        new ConfigActivitiesImpl(cfg),
        new PostgresActivitiesImpl(cfg, connections),
        new SessionActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.HealthDetailActivitiesImpl(cfg, connections, env),
        new io.pgrunbooks.activities.pgbouncer.PgBouncerStatsActivitiesImpl(cfg, env),
        new PostgresReplicationActivitiesImpl(cfg, connections, topology),
        new io.pgrunbooks.activities.patroni.PatroniActivitiesImpl(cfg, connections, () -> env),
        new PostgresPartitionActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.PostgresIndexActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.PostgresIndexMaintenanceActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.QueryReportActivitiesImpl(cfg, connections,
            new io.pgrunbooks.activities.s3.QueryReportSnapshots(s3)),
        new io.pgrunbooks.activities.postgres.PostgresVacuumActivitiesImpl(cfg, connections),
        archive,
        objects,
        backup,
        new BackupStoreActivitiesImpl(cfg, env),
        new ApprovalActivitiesImpl(cfg, env),
        new NotifyActivitiesImpl(cfg, env),
        new io.pgrunbooks.activities.s3.ReportActivitiesImpl(s3),
        new io.pgrunbooks.activities.s3.DrillHistoryActivitiesImpl(s3),
        new LockActivitiesImpl(client),
        new FailoverActivitiesImpl(cfg, connections, env, s3),
        new io.pgrunbooks.activities.postgres.PhysicalBackupActivitiesImpl(cfg, connections, topology),
        new io.pgrunbooks.activities.postgres.ArchiveHealthActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.backup.RestoreDatabaseActivitiesImpl(cfg, env),
        new io.pgrunbooks.activities.postgres.RestoreDrillActivitiesImpl(cfg, connections, topology),
        new io.pgrunbooks.activities.postgres.PitrClusterActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.ParameterActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.PostgresRepackActivitiesImpl(cfg, connections, () -> env),
        new io.pgrunbooks.activities.postgres.PostgresIntegrityActivitiesImpl(cfg, connections)};
    // The heavy queue: the interfaces whose long streams (export, verify, restore, S3 transfer, dump,
    // verification restore) the runbooks send there. Runs from before the heavy queue still call them on central.
    Object[] heavy = {archive, objects, backup};
    return new CentralActivities(central, heavy);
  }

  /** Every workflow and the central activities on the central queue. */
  static void registerCentral(Worker worker, CentralActivities activities) {
    // An input that does not bind (unknown field, wrong type) fails the run with the reason
    // instead of retrying the workflow task forever; the client's RunbookInputConverter says it
    // as a sentence (RunbookInputConverter.InputRefused is a DataConverterException).
    WorkflowImplementationOptions options = WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(DataConverterException.class)
        .build();
    worker.registerWorkflowImplementationTypes(options,
        Runbooks.workflowImplementations().toArray(Class<?>[]::new));
    worker.registerActivitiesImplementations(activities.central);
  }

  /** The heavy activities on the heavy queue (no workflows). */
  static void registerHeavy(Worker worker, CentralActivities activities) {
    worker.registerActivitiesImplementations(activities.heavy);
  }

  static void registerAgent(Worker worker, RunbooksConfig cfg, String node, Map<String, String> env) {
    worker.registerActivitiesImplementations(new NodeActivitiesImpl(cfg, node, env),
        new FailoverNodeActivitiesImpl(cfg, node, env), new PgBouncerActivitiesImpl(cfg, node, env),
        new PgBouncerPoolActivitiesImpl(cfg, node, env),
        new io.pgrunbooks.activities.node.PgBackRestActivitiesImpl(cfg, node, env),
        new io.pgrunbooks.activities.node.DrillScratchActivitiesImpl(cfg, node, env),
        new io.pgrunbooks.activities.node.PitrNodeActivitiesImpl(cfg, node, env));
  }
}
