package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failover.FailoverWorkflow;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillInput;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Planned switchovers on the Patroni mode of the local stack (real etcd, Patroni, PostgreSQL, PgBouncer), the worker
 * and agents as processes, runs started and approved through the public contract: a paused cluster is refused, and a
 * drill switches over and back through {@code POST /switchover} while an independent client writes through PgBouncer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverSwitchoverOnPatroniEndToEndTest {
  @AutoClose
  private static PatroniSwitchoverFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new PatroniSwitchoverFixture();
  }

  @Test
  @Order(1)
  void aPausedClusterIsRefusedBeforeAnyApprovalAndNothingChanges() throws Exception {
    assertThat(f.patchConfig("{\"pause\": true}")).isEqualTo(200);
    try {
      f.awaitPaused(true);
      long pg1Pid = f.node("pg1").pid().orElseThrow();
      FailoverWorkflow run = f.stub(FailoverWorkflow.class, WorkflowIds.failover("main"));
      Throwable t = catchThrowable(() -> run.run(FailoverInput.of("main", "pg2", "paused e2e")));
      assertThat(t).isInstanceOf(WorkflowFailedException.class);
      ApplicationFailure cause = (ApplicationFailure) t.getCause();
      assertThat(cause.getType()).isEqualTo("SafetyRefused");
      assertThat(cause.getOriginalMessage()).contains("cluster main is paused in Patroni", "nothing was changed");
      assertThat(f.node("pg1").pid().orElseThrow()).isEqualTo(pg1Pid);
      assertThat(FailoverFixture.inRecovery(f.node("pg1"))).isFalse();
    } finally {
      assertThat(f.patchConfig("{\"pause\": false}")).isEqualTo(200);
      f.awaitPaused(false);
    }
  }

  @Test
  @Order(2)
  void drillSwitchesOverAndBackThroughPatroniWhileAClientWritesThroughPgBouncerAndLosesNothing() throws Exception {
    FailoverDrillWorkflow run = f.stub(FailoverDrillWorkflow.class, WorkflowIds.failoverDrill("main"));
    long started = System.nanoTime();
    try (BouncerWriter writer = BouncerWriter.start(() -> f.stack.pgbouncer().connect("postgres"),
        "e2e_patroni_writes")) {
      CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
      FailoverFixture.awaitPending(run);
      FailoverFixture.approve(run, "alice");
      FailoverDrillResult r = result.get(4, TimeUnit.MINUTES);
      writer.stop();
      r.report().steps().forEach(s -> System.out.println("STEP " + s.start() + " " + s.end() + " " + s.name() + ": "
          + s.detail()));

      assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(r.outcome()).as(r.report().summary() + " " + r.criteria()).isEqualTo("PASSED");
      assertThat(r.phases()).hasSize(2).allSatisfy(p -> {
        assertThat(p.rejoin()).isEqualTo("Patroni");
        assertThat(p.missing()).isEmpty();
        assertThat(p.streaming()).isTrue();
      });
      assertThat(r.phases().get(1).timeline()).isEqualTo(r.phases().get(0).timeline() + 1);
      assertThat(FailoverFixture.inRecovery(f.node("pg1"))).isFalse();
      assertThat(FailoverFixture.inRecovery(f.node("pg2"))).isTrue();
      assertThat(f.workers.allLogs()).doesNotContain("pg_ctl");
      List<Long> lost = writer.missingOn(f.node("pg1"));
      System.out.printf("PATRONI-E2E acknowledged=%d errors=%d lost=%d longest write gap=%d ms; drill: writes "
          + "unavailable %d ms, promoted after %d ms; test %d s%n", writer.acknowledged(), writer.errors(),
          lost.size(), writer.longestGapMillis(), r.writeUnavailableMillis(), r.timeToPromoteMillis(),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      assertThat(writer.acknowledged()).isGreaterThan(50);
      assertThat(lost).as("acknowledged writes missing on pg1").isEmpty();
    }
  }
}
