package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartInput;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartResult;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartWorkflow;
import io.temporal.client.WorkflowClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RollingRestart of {@code max_connections} on a direct stack of its own (pg1 primary, pg2 replica, PgBouncer): the
 * worker and node agents as processes, the run approved through the public contract, the effect read in PostgreSQL.
 */
class RollingRestartEndToEndTest {
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
  void maxConnectionsIsLiveOnEveryNodeAfterReplicaRestartsAndOneSwitchover() throws Exception {
    int before = Integer.parseInt(f.pg1().psql("postgres", "SHOW max_connections").strip());
    String wanted = Integer.toString(before + 20);
    RollingRestartWorkflow run = f.stub(RollingRestartWorkflow.class, WorkflowIds.rollingRestart("main"));
    CompletableFuture<RollingRestartResult> result = WorkflowClient.execute(run::run, new RollingRestartInput("main",
        Map.of("max_connections", wanted), false, "carol", "e2e"));
    PendingApproval p = FailoverFixture.awaitPending(run).pendingApprovals().get(0);
    assertThat(p.evidence().get("diff")).contains("pg2 (replica): max_connections " + before + " → " + wanted
        + " (restart)");
    FailoverFixture.approve(run, "alice");

    RollingRestartResult r = result.get(5, TimeUnit.MINUTES);
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.restarted()).containsExactly("pg2", "pg1");
    assertThat(r.primaryAfter()).isEqualTo("pg2");
    for (PostgresNode n : new PostgresNode[] {f.pg1(), f.pg2()}) {
      assertThat(n.psql("postgres", "SELECT current_setting('max_connections') || '|' || pending_restart FROM"
          + " pg_settings WHERE name = 'max_connections'").strip()).as(n.name()).isEqualTo(wanted + "|false");
    }
    assertThat(FailoverFixture.inRecovery(f.pg1())).isTrue();
    assertThat(f.writeThroughBouncer()).isEqualTo(f.pg2().port());

    // A second run finds every value live: nothing to approve, nothing restarted.
    long pg2Pid = f.pg2().pid().orElseThrow();
    RollingRestartResult again = f.stub(RollingRestartWorkflow.class, WorkflowIds.rollingRestart("main"))
        .run(new RollingRestartInput("main", Map.of("max_connections", wanted), false, "carol", "e2e again"));
    assertThat(again.report().summary()).contains("nothing to do");
    assertThat(f.pg2().pid().orElseThrow()).isEqualTo(pg2Pid);
  }

  @Test
  void anUnknownParameterAndAnOutOfRangeValueAreRefusedBeforeAnythingChanges() {
    RollingRestartWorkflow run = f.stub(RollingRestartWorkflow.class, WorkflowIds.rollingRestart("main"));
    assertThatThrownBy(() -> run.run(new RollingRestartInput("main", Map.of("max_conections", "200",
        "shared_buffers", "1kB"), false, "carol", "typo"))).hasStackTraceContaining(
        "unknown parameter 'max_conections'").hasStackTraceContaining("shared_buffers = '1kB' is outside its range");
  }
}
