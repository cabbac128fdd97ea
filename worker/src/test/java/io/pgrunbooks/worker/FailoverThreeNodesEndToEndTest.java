package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failover.FailoverResult;
import io.pgrunbooks.workflows.failover.FailoverWorkflow;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A primary and two replicas: after a switchover to pg2, the replica that was not promoted follows pg2. */
class FailoverThreeNodesEndToEndTest {
  private static FailoverFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new FailoverFixture(List.of("pg2", "pg3"));
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void switchoverToPg2LeavesPg3StreamingFromPg2WithEveryRow() throws Exception {
    PostgresNode pg3 = f.stack.postgres().node("pg3");
    f.pg1().psql("postgres", "CREATE TABLE e2e_three AS SELECT g AS id FROM generate_series(1, 1000) g");
    f.stack.postgres().awaitStreaming("pg3", Duration.ofSeconds(60));

    FailoverWorkflow run = f.stub(FailoverWorkflow.class, WorkflowIds.failover("main"));
    CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run,
        FailoverInput.of("main", "pg2", "planned move off pg1"));
    FailoverFixture.approveAsAliceAndBob(run);

    FailoverResult r = result.get(3, TimeUnit.MINUTES);
    assertThat(r.report().outcome()).as(r.report().summary()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.mode()).isEqualTo("switchover");
    assertThat(r.primaryNow()).isEqualTo("pg2");
    assertThat(r.report().changes()).contains("pg3 follows pg2");
    assertThat(FailoverFixture.inRecovery(f.pg2())).isFalse();
    assertThat(FailoverFixture.inRecovery(pg3)).isTrue();
    assertThat(FailoverFixture.upstream(pg3)).contains("port=" + f.pg2().port());

    // pg3 streams from pg2 (currentPrimary) and replays what is written there now.
    f.stack.postgres().awaitStreaming("pg3", Duration.ofSeconds(60));
    assertThat(f.writeThroughBouncer()).isEqualTo(f.pg2().port());
    f.pg2().psql("postgres", "INSERT INTO e2e_three VALUES (1001)");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String count;
    do {
      Thread.sleep(200);
      count = pg3.psql("postgres", "SELECT count(*) FROM e2e_three").strip();
    } while (!count.equals("1001") && System.nanoTime() < deadline);
    assertThat(count).as("rows on pg3 after a write on pg2").isEqualTo("1001");
  }
}
