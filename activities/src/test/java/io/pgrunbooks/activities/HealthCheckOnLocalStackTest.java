package io.pgrunbooks.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pgrunbooks.activities.config.ConfigActivitiesImpl;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.activities.node.NodeActivitiesImpl;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresActivitiesImpl;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.healthcheck.Finding;
import io.pgrunbooks.workflows.healthcheck.HealthCheckInput;
import io.pgrunbooks.workflows.healthcheck.HealthCheckResult;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflow;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflowImpl;
import io.pgrunbooks.workflows.healthcheck.NodeHealth;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HealthCheck workflow with the real activities against the local stack's primary and replica. */
class HealthCheckOnLocalStackTest {
  private TestWorkflowEnvironment env;
  private PostgresCluster pg;

  @BeforeEach
  void setUp() {
    pg = TestStack.stack().postgres();
    RunbooksConfig config = TestStack.config(300);
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .build());
    TestEnvironments.registerSearchAttributes(env);
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(HealthCheckWorkflowImpl.class);
    central.registerActivitiesImplementations(new ConfigActivitiesImpl(config), new NotifyActivitiesImpl(config),
        new io.pgrunbooks.activities.s3.ReportActivitiesImpl(new io.pgrunbooks.activities.s3.S3ClientFactory(config.archive(), TestStack::env)),
        new io.pgrunbooks.activities.backup.BackupStoreActivitiesImpl(config, TestStack.env()),
        new PostgresActivitiesImpl(config,
            new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(30))),
        new io.pgrunbooks.activities.postgres.HealthDetailActivitiesImpl(config,
            new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(30)), TestStack.env()),
        new io.pgrunbooks.activities.postgres.ArchiveHealthActivitiesImpl(config,
            new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(30))));
    for (PostgresNode node : pg.nodes()) {
      env.newWorker(TaskQueues.node(node.name())).registerActivitiesImplementations(
          new NodeActivitiesImpl(config, node.name()),
          new io.pgrunbooks.activities.node.PgBackRestActivitiesImpl(config, node.name(), TestStack.env()));
    }
    env.start();
    pg.awaitStreaming(pg.replicas().get(0).name(), Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void runningClusterIsCheckedWithRolesReplicationAndDisk() {
    HealthCheckResult result = run();

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.primary()).isEqualTo(pg.primary().name());
    // Archive lag and the newest physical backup depend on what other tests archived and backed up on the shared
    // stack (PgBackRestOnLocalStackTest checks those facts); nothing else may be wrong with the cluster.
    assertThat(result.clusterFindings()).extracting(Finding::check).isSubsetOf("archive-lag", "physical-backup");
    assertThat(result.nodes()).extracting(NodeHealth::node, NodeHealth::role)
        .containsExactly(tuple(pg.primary().name(), "PRIMARY"), tuple(pg.replicas().get(0).name(), "REPLICA"));
    // Cache hit ratio and this machine's disk are outside the test's control; replication is not.
    assertThat(result.nodes()).flatExtracting(NodeHealth::findings).extracting(Finding::check)
        .doesNotContain("replication", "reachability", "topology", "lock-waits", "long-queries");
    assertThat(result.nodes()).allSatisfy(n -> assertThat(n.disk()).isNotNull());
    assertThat(result.report().summary()).startsWith(TestStack.CLUSTER + ": ");
    assertThat(result.toString()).doesNotContain(SharedStack.PASSWORD);
  }

  @Test
  void stoppedReplicaMakesTheClusterUnhealthyButTheRunCompletes() {
    PostgresNode replica = pg.replicas().get(0);
    replica.stop();
    HealthCheckResult result;
    try {
      result = run();
    } finally {
      replica.start();
      pg.awaitStreaming(replica.name(), Duration.ofSeconds(60));
    }

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    NodeHealth node = result.nodes().get(1);
    assertThat(node.role()).isEqualTo("UNKNOWN");
    assertThat(node.findings()).extracting(Finding::message)
        .contains("unreachable: connection refused at 127.0.0.1:" + replica.port());
    assertThat(result.status().name()).isEqualTo("UNHEALTHY");
  }

  private HealthCheckResult run() {
    return env.getWorkflowClient().newWorkflowStub(HealthCheckWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(TaskQueues.CENTRAL)
            .setWorkflowId(WorkflowIds.healthCheck(TestStack.CLUSTER))
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build())
        .run(HealthCheckInput.of(TestStack.CLUSTER));
  }
}
