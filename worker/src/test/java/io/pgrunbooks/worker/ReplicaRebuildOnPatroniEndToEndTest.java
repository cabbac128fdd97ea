package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ReplicaRebuild of a cluster with {@code topology: patroni} end to end: the Patroni mode of the local stack (real
 * etcd, Patroni, PostgreSQL), the real worker and node agents as processes, the run started and approved through the
 * public contract. The leader is refused; Patroni wipes and clones the replica; the node agent is never asked.
 */
class ReplicaRebuildOnPatroniEndToEndTest {

  @Test
  void approvedRebuildReinitializesTheReplicaThroughPatroniAndItStreamsWithTheData() throws Exception {
    try (LocalStack stack = PatroniE2e.start("runbooks-patroni-e2e-");
         WorkerFixture fixture = new WorkerFixture(stack)) {
      PostgresNode primary = stack.postgres().node("pg1");
      PostgresNode replica = stack.postgres().node("pg2");
      PatroniE2e.writeConfig(fixture, stack, "");
      fixture.startAll();
      primary.psql("postgres", "CREATE TABLE e2e_patroni AS SELECT generate_series(1, 1000) AS id");
      Path marker = replica.dataDir().resolve("runbooks-e2e-marker");
      Files.writeString(marker, "Patroni wipes this");
      long pidBefore = replica.pid().orElseThrow();
      long leaderPid = primary.pid().orElseThrow();

      // The leader is refused before any approval, and nothing is asked of Patroni.
      ReplicaRebuildWorkflow leader = fixture.client.newWorkflowStub(ReplicaRebuildWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:pg1")
              .build());
      assertThatThrownBy(() -> leader.run(new ReplicaRebuildInput("main", "pg1", false, "carol", "Patroni e2e")))
          .isInstanceOf(WorkflowFailedException.class).rootCause()
          .hasMessageContaining("pg1 is the primary of cluster main").hasMessageContaining("nothing was done");
      assertThat(primary.pid().orElseThrow()).as("the leader's PostgreSQL untouched").isEqualTo(leaderPid);

      ReplicaRebuildWorkflow run = fixture.client.newWorkflowStub(ReplicaRebuildWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:pg2")
              .build());
      CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run,
          new ReplicaRebuildInput("main", "pg2", false, "carol", "Patroni e2e"));
      awaitPending(run);
      assertThat(run.progress().pendingApprovals().get(0).evidence().get("data dir Patroni will wipe"))
          .isEqualTo(replica.dataDir() + " (deleted, not moved aside)");
      assertThat(replica.pid().orElseThrow()).as("nothing happens before the approval").isEqualTo(pidBefore);
      run.approve(new ApprovalSignal(null, "alice", "go", null));

      ReplicaRebuildResult r = result.get(5, TimeUnit.MINUTES);
      assertThat(r.report().outcome()).as(r.report().summary()).isEqualTo(RunbookState.COMPLETED);
      assertThat(r.primary()).isEqualTo("pg1");
      assertThat(r.report().changes()).containsExactly("Patroni reinitialized member pg2: wiped " + replica.dataDir()
          + " on pg2 and cloned it from pg1");
      assertThat(marker).doesNotExist();
      stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
      assertThat(replica.psql("postgres", "SELECT count(*) FROM e2e_patroni")).isEqualTo("1000");
      assertThat(fixture.allLogs()).doesNotContain("pg_ctl");
    }
  }

  private static void awaitPending(ReplicaRebuildWorkflow run) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (!run.progress().pendingApprovals().isEmpty()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // the first workflow task has not run yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no approval became pending within 90 s");
  }
}
