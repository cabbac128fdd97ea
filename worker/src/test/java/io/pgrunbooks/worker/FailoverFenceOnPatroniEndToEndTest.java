package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PatroniServers;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failover.FailoverResult;
import io.pgrunbooks.workflows.failover.FailoverWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Unplanned failover on the Patroni mode of the local stack (real etcd, Patroni, PostgreSQL, PgBouncer), the real
 * worker and node agents as processes: Patroni on the primary is SIGKILLed (no watchdog), the replica promotes, both
 * nodes take writes; the Failover run fences the old primary through its node agent after the approval and PgBouncer
 * ends on Patroni's leader.
 */
class FailoverFenceOnPatroniEndToEndTest {

  @Test
  void patroniKilledOnThePrimaryLeavesTwoWritableNodesAndTheRunFencesTheOldOneAfterApproval() throws Exception {
    try (LocalStack stack = PatroniE2e.start("runbooks-patroni-fence-e2e-");
         WorkerFixture fixture = new WorkerFixture(stack)) {
      PatroniServers patroni = stack.postgres().patroni();
      PostgresNode pg1 = stack.postgres().node("pg1");
      PostgresNode pg2 = stack.postgres().node("pg2");
      PatroniE2e.writeConfig(fixture, stack, FailoverFixture.bouncerAndRebuildYaml(stack));
      fixture.startAll();
      pg1.psql("postgres", "CREATE TABLE e2e_fence AS SELECT generate_series(1, 100) AS id");
      stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));

      ProcessHandle.of(patroni.pid("pg1")).orElseThrow().destroyForcibly();
      awaitTwoWritable(pg1, pg2, Duration.ofSeconds(120));
      pg1.psql("postgres", "INSERT INTO e2e_fence VALUES (-1)");

      FailoverWorkflow run = fixture.client.newWorkflowStub(FailoverWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("failover:main").build());
      CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run,
          new FailoverInput("main", "pg2", false, "Patroni on pg1 killed", "carol", false));
      PendingApproval pending = FailoverFixture.awaitPending(run).pendingApprovals().get(0);
      assertThat(pending.evidence().get("to fence: pg1")).contains("writable").contains("Patroni does not answer");
      assertThat(pending.evidence().get("Patroni's leader")).contains("pg2").contains("Patroni's leader");
      assertThat(pending.evidence()).containsKey("writes cut on pg1");
      assertThat(pg1.isRunning()).as("nothing is stopped before the approval").isTrue();
      run.approve(new ApprovalSignal(null, "alice", "fence it", null));

      FailoverResult r = result.get(3, TimeUnit.MINUTES);
      assertThat(r.report().outcome()).as(r.report().summary()).isEqualTo(RunbookState.COMPLETED);
      assertThat(r.oldPrimary()).isEqualTo("pg1");
      assertThat(r.primaryNow()).isEqualTo("pg2");
      assertThat(r.fenceConfirmed()).isTrue();
      assertThat(r.timeline()).isGreaterThan(1);
      assertThat(r.report().summary()).contains("Patroni's leader is pg2").contains("fenced pg1")
          .contains("PgBouncer repointed from pg1 to pg2");
      assertThat(r.report().changes()).anyMatch(c -> c.startsWith("fenced pg1"));
      assertThat(pg1.isRunning()).as("pg1 PostgreSQL is stopped").isFalse();
      assertThat(FailoverFixture.writeThroughBouncer(stack)).isEqualTo(pg2.port());
      assertThat(pg2.psql("postgres", "SELECT count(*) FROM e2e_fence WHERE id > 0")).isEqualTo("100");
    }
  }

  private static void awaitTwoWritable(PostgresNode pg1, PostgresNode pg2, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!FailoverFixture.inRecovery(pg2)) {
        assertThat(FailoverFixture.inRecovery(pg1)).as("pg1's PostgreSQL outlives its Patroni, writable").isFalse();
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("pg2 was not promoted by Patroni within " + timeout);
  }
}
