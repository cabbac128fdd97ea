package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failover.FailoverResult;
import io.pgrunbooks.workflows.failover.FailoverWorkflow;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failover end to end on a stack of its own, in order: the tests that leave pg1 primary first, the SIGKILL of pg1
 * (which leaves pg2 primary) last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverEndToEndTest {
  private static FailoverFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new FailoverFixture();
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  @Order(1)
  void rejectionLeavesTheTopologyUntouched() throws Exception {
    long pg1Pid = f.pg1().pid().orElseThrow();
    FailoverWorkflow run = f.stub(FailoverWorkflow.class, WorkflowIds.failover("main"));
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    FailoverFixture.awaitPending(run);
    run.reject(new ApprovalSignal(null, "bob", "not today", null));

    FailoverResult r = result.get(60, TimeUnit.SECONDS);
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(f.pg1().pid().orElseThrow()).isEqualTo(pg1Pid);
    assertThat(FailoverFixture.inRecovery(f.pg2())).isTrue();
    assertThat(f.writeThroughBouncer()).isEqualTo(f.pg1().port());
  }

  @Test
  @Order(2)
  void candidateStoppedRightAfterTheOldPrimaryLeavesTheOldPrimaryWritableBehindAResumedPgBouncer() throws Exception {
    // pg1's pg_ctl stop also stops pg2 (immediate): the candidate is gone once the old primary is down.
    Files.writeString(f.stopCandidateToo, "");
    try {
      FailoverWorkflow run = f.stub(FailoverWorkflow.class, WorkflowIds.failover("main"));
      CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run,
          FailoverInput.of("main", "pg2", "test"));
      FailoverFixture.approveAsAliceAndBob(run);

      assertThatThrownBy(() -> result.get(3, TimeUnit.MINUTES)).hasMessageContaining("Failover");
      Progress progress = run.progress();
      assertThat(progress.state()).isEqualTo(RunbookState.FAILED);
      assertThat(progress.steps()).anyMatch(s -> s.name().equals("stop pg1 cleanly") && s.status().equals("DONE"));
      assertThat(progress.steps()).noneMatch(s -> s.name().equals("promote pg2"));
      assertThat(progress.steps()).anyMatch(s -> s.name().equals("restart pg1") && s.status().equals("DONE"));
      assertThat(progress.log()).anyMatch(l -> l.contains("pg1 is primary now, PgBouncer resumed"));
      assertThat(FailoverFixture.inRecovery(f.pg1())).isFalse();
      assertThat(f.writeThroughBouncer()).isEqualTo(f.pg1().port());
    } finally {
      Files.deleteIfExists(f.stopCandidateToo);
    }
    f.pg2().start();
    f.stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
  }

  @Test
  @Order(3)
  void promotionThatCannotHappenLeavesTheOldPrimaryWritableBehindAResumedPgBouncer() throws Exception {
    FailoverWorkflow run = f.stub(FailoverWorkflow.class, WorkflowIds.failover("main"));
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", "pg2", "test"));
    FailoverFixture.awaitPending(run);
    // pg2's agent goes away: the promotion, after the PAUSE and the stop of pg1, is never picked up.
    ChildProcess agent = f.workers.processes.stream().filter(c -> c.name().equals("agent-pg2")).reduce((a, b) -> b)
        .orElseThrow();
    ProcessHandle.of(agent.pid()).orElseThrow().destroyForcibly();
    FailoverFixture.approveAsAliceAndBob(run);

    assertThatThrownBy(() -> result.get(3, TimeUnit.MINUTES)).hasMessageContaining("Failover");
    Progress progress = run.progress();
    assertThat(progress.state()).isEqualTo(RunbookState.FAILED);
    assertThat(progress.log()).anyMatch(l -> l.contains("pg1 is primary now, PgBouncer resumed"));
    assertThat(progress.steps()).anyMatch(s -> s.name().equals("stop pg1 cleanly"));
    assertThat(FailoverFixture.inRecovery(f.pg1())).isFalse();
    assertThat(f.writeThroughBouncer()).isEqualTo(f.pg1().port());
    f.workers.startAgent("pg2");
    f.stack.postgres().awaitStreaming("pg2", Duration.ofSeconds(60));
  }

  @Test
  @Order(4)
  void killedPrimaryNeedsTwoApproversOfTheLossFigureThenClientsWriteToThePromotedReplica() throws Exception {
    f.pg1().psql("postgres", "CREATE TABLE IF NOT EXISTS e2e_before_kill AS SELECT 1 AS x");
    f.pg1().kill();
    FailoverWorkflow run = f.stub(FailoverWorkflow.class, WorkflowIds.failover("main"));
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run,
        FailoverInput.of("main", "pg2", "pg1 killed by the test"));
    PendingApproval p = FailoverFixture.awaitPending(run).pendingApprovals().get(0);
    assertThat(p.approvalsNeeded()).isEqualTo(2);
    assertThat(p.evidence()).containsKey("possible data loss");
    assertThat(p.action()).contains("failover: promote pg2 in place of pg1, possible data loss ");

    run.approve(new ApprovalSignal(p.requestId(), "alice", "go", null));
    run.approve(new ApprovalSignal(p.requestId(), "alice", "go again", null));
    FailoverFixture.await(run, x -> x.pendingApprovals().get(0).approvedBy().equals(List.of("alice")),
        Duration.ofSeconds(30));
    Thread.sleep(500);
    assertThat(run.progress().pendingApprovals()).hasSize(1);
    run.approve(new ApprovalSignal(p.requestId(), "bob", "go", null));

    FailoverResult r = result.get(2, TimeUnit.MINUTES);
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.mode()).isEqualTo("failover");
    assertThat(r.primaryNow()).isEqualTo("pg2");
    assertThat(r.fenceConfirmed()).isTrue();
    assertThat(r.timeline()).isGreaterThan(1);
    assertThat(FailoverFixture.inRecovery(f.pg2())).isFalse();
    assertThat(FailoverFixture.upstream(f.pg2())).as("the promoted node forgot the primary it followed").isEqualTo("|");
    assertThat(f.writeThroughBouncer()).isEqualTo(f.pg2().port());
    assertThat(f.pg2().psql("postgres", "SELECT count(*) FROM e2e_before_kill").strip()).isEqualTo("1");
  }
}
