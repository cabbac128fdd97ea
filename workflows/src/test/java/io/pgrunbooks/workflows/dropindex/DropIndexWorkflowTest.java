package io.pgrunbooks.workflows.dropindex;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DropIndex's decisions with scripted activities. */
class DropIndexWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final DropIndexFakes fakes = new DropIndexFakes();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    client = fakes.start(env);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void approvedDropShowsScansOnEveryNodeThenDrops() {
    DropIndexWorkflow run = DropIndexFakes.stub(client);
    var result = DropIndexFakes.execute(run);
    TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.requestId()).startsWith(DropIndexWorkflowImpl.STEP);
    assertThat(pending.evidence()).containsEntry("idx_scan on pg2 (replica)", "0 since 2026-01-01 00:00:00+00")
        .containsEntry("size", "819200 bytes")
        .containsEntry("definition (to recreate it)", "CREATE INDEX orders_note_idx ON public.orders USING btree (note)");
    DropIndexFakes.approve(run);
    DropIndexResult r = result.join();
    assertThat(r.dropped()).isTrue();
    assertThat(fakes.calls).containsExactly("inspect " + DropIndexFakes.INDEX, "drop " + DropIndexFakes.INDEX);
  }

  @Test
  void primaryKeyIndexAndReplicaUseAreRefusedBeforeApproval() {
    fakes.constraint = "orders_pkey (primary key)";
    assertApplicationFailure(() -> DropIndexFakes.stub(client).run(DropIndexInput.of("main", "app", DropIndexFakes.INDEX)),
        FailureTypes.SAFETY_REFUSED, "enforces constraint orders_pkey (primary key)");
    fakes.constraint = null;
    fakes.replicaScans = 7;
    assertApplicationFailure(() -> DropIndexFakes.stub(client).run(DropIndexInput.of("main", "app", DropIndexFakes.INDEX)),
        FailureTypes.SAFETY_REFUSED, "used by queries on replica pg2 (idx_scan 7)");
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("drop"));
  }

  @Test
  void rejectionKeepsTheIndex() {
    DropIndexWorkflow run = DropIndexFakes.stub(client);
    var result = DropIndexFakes.execute(run);
    DropIndexFakes.reject(run);
    assertThat(result.join().report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("drop"));
  }

  @Test
  void badIndexNameFailsBeforeAnyActivity() {
    assertApplicationFailure(() -> DropIndexFakes.stub(client).run(DropIndexInput.of("main", "app",
        "public.x; DROP TABLE y")), FailureTypes.BAD_INPUT, "schema.name");
    assertThat(fakes.calls).isEmpty();
  }
}
