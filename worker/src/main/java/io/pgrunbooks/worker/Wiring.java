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
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.registry.Runbooks;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverterException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.Map;

/** All wiring in one place: which workflows and activities each process registers. */
final class Wiring {
  private Wiring() {}

  static void registerCentral(Worker worker, WorkflowClient client, RunbooksConfig cfg, Map<String, String> env) {
    // An input that does not bind (unknown field, wrong type) fails the run with the reason
    // instead of retrying the workflow task forever.
    WorkflowImplementationOptions options = WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(DataConverterException.class)
        .build();
    worker.registerWorkflowImplementationTypes(options,
        Runbooks.workflowImplementations().toArray(Class<?>[]::new));
    ConnectionFactory connections = new ConnectionFactory(cfg, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(60));
    S3ClientFactory s3 = new S3ClientFactory(cfg.archive(), () -> env);
    worker.registerActivitiesImplementations(
        new ConfigActivitiesImpl(cfg),
        new PostgresActivitiesImpl(cfg, connections),
        new SessionActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.HealthDetailActivitiesImpl(cfg, connections, env),
        new io.pgrunbooks.activities.pgbouncer.PgBouncerStatsActivitiesImpl(cfg, env),
        new PostgresReplicationActivitiesImpl(cfg, connections),
        new PostgresPartitionActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.PostgresIndexActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.PostgresIndexMaintenanceActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.QueryReportActivitiesImpl(cfg, connections,
            new io.pgrunbooks.activities.s3.QueryReportSnapshots(s3)),
        new io.pgrunbooks.activities.postgres.PostgresVacuumActivitiesImpl(cfg, connections),
        new PostgresArchiveActivitiesImpl(cfg, connections, s3),
        new S3ActivitiesImpl(s3),
        new PostgresBackupActivitiesImpl(cfg, env),
        new BackupStoreActivitiesImpl(cfg, env),
        new ApprovalActivitiesImpl(cfg, env),
        new NotifyActivitiesImpl(cfg, env),
        new io.pgrunbooks.activities.s3.ReportActivitiesImpl(s3),
        new LockActivitiesImpl(client),
        new FailoverActivitiesImpl(cfg, connections, env, s3),
        new io.pgrunbooks.activities.postgres.PhysicalBackupActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.RestoreDrillActivitiesImpl(cfg, connections),
        new io.pgrunbooks.activities.postgres.PostgresRepackActivitiesImpl(cfg, connections, () -> env),
        new io.pgrunbooks.activities.postgres.PostgresIntegrityActivitiesImpl(cfg, connections));
  }

  static void registerAgent(Worker worker, RunbooksConfig cfg, String node, Map<String, String> env) {
    worker.registerActivitiesImplementations(new NodeActivitiesImpl(cfg, node, env),
        new FailoverNodeActivitiesImpl(cfg, node, env), new PgBouncerActivitiesImpl(cfg, node, env),
        new PgBouncerPoolActivitiesImpl(cfg, node, env),
        new io.pgrunbooks.activities.node.PgBackRestActivitiesImpl(cfg, node, env),
        new io.pgrunbooks.activities.node.DrillScratchActivitiesImpl(cfg, node, env));
  }
}
