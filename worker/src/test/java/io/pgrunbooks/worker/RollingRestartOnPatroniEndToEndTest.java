package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.LocalStackOptions;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartInput;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartResult;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RollingRestart of {@code max_connections} on the Patroni mode of the local stack (real etcd, Patroni, PostgreSQL):
 * Patroni's config is patched, Patroni restarts the replica and switches over; the node agents run no pg_ctl.
 */
class RollingRestartOnPatroniEndToEndTest {

  @Test
  void maxConnectionsGoesLiveThroughPatroniWithOneSwitchover() throws Exception {
    try (LocalStack stack = PatroniE2e.start("runbooks-patroni-rolling-");
         WorkerFixture fixture = new WorkerFixture(stack)) {
      PatroniE2e.writeConfig(fixture, stack, "");
      fixture.startAll();
      PostgresNode pg1 = stack.postgres().node("pg1");
      String wanted = Integer.toString(Integer.parseInt(pg1.psql("postgres", "SHOW max_connections").strip()) + 20);

      RollingRestartWorkflow run = fixture.client.newWorkflowStub(RollingRestartWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("rolling-restart:main").build());
      CompletableFuture<RollingRestartResult> result = WorkflowClient.execute(run::run, new RollingRestartInput("main",
          Map.of("max_connections", wanted), false, "carol", "Patroni e2e"));
      FailoverFixture.awaitPending(run);
      FailoverFixture.approve(run, "alice");

      RollingRestartResult r = result.get(6, TimeUnit.MINUTES);
      assertThat(r.report().outcome()).as(r.report().summary()).isEqualTo(RunbookState.COMPLETED);
      assertThat(r.primaryAfter()).isEqualTo("pg2");
      for (String node : List.of("pg1", "pg2")) {
        assertThat(stack.postgres().node(node).psql("postgres", "SHOW max_connections").strip()).as(node)
            .isEqualTo(wanted);
      }
      assertThat(FailoverFixture.inRecovery(pg1)).isTrue();
      assertThat(fixture.allLogs()).doesNotContain("pg_ctl");
    }
  }
}
