package io.pgrunbooks.workflows.repack;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Repack's decisions with scripted activities. */
class RepackWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final RepackFakes fakes = new RepackFakes();

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
  void bloatedTableIsApprovedWithBloatEvidenceThenRepackedWithSizesBeforeAndAfter() {
    fakes.leftovers = List.of("trigger repack_trigger on public.orders");
    RepackWorkflow run = RepackFakes.stub(client);
    var result = RepackFakes.execute(run);
    TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.requestId()).startsWith(RepackWorkflowImpl.STEP);
    assertThat(pending.action()).startsWith("pg_repack public.orders");
    assertThat(pending.evidence().get("table")).contains("(x5.0)").contains("80% dead tuples");
    assertThat(pending.evidence().get("key")).isEqualTo("orders_pkey (primary key)");
    assertThat(pending.evidence().get("public.orders_pkey")).contains("bloated");
    assertThat(pending.evidence().get("left by an earlier pg_repack, dropped first"))
        .isEqualTo("trigger repack_trigger on public.orders");
    RepackFakes.approve(run);
    RepackResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().summary()).contains("table 1048576000 -> 220200960 bytes");
    assertThat(r.outcome().tableBytesAfter()).isEqualTo(210 * RepackFakes.MB);
    assertThat(r.cleanedUp()).containsExactly("trigger repack_trigger on public.orders");
    assertThat(fakes.calls).containsExactly("inspect " + RepackFakes.TABLE, "repack " + RepackFakes.TABLE);
  }

  @Test
  void failedRepackIsCleanedUpAndReportedAndTheRunFails() {
    fakes.repackFails = true;
    RepackWorkflow run = RepackFakes.stub(client);
    var result = RepackFakes.execute(run);
    RepackFakes.approve(run);
    assertThatThrownBy(result::join).rootCause().hasMessageContaining("pg_repack of public.orders failed (exit 1)");
    assertThat(fakes.calls).containsExactly("inspect " + RepackFakes.TABLE, "repack " + RepackFakes.TABLE,
        "cleanup " + RepackFakes.TABLE);
    var report = run.progress();
    assertThat(report.state()).isEqualTo(RunbookState.FAILED);
    assertThat(report.steps()).anyMatch(st -> st.name().equals("cleanup") && st.detail().contains("repack.log_16384"));
  }

  @Test
  void tableWithoutKeyLowDiskAndBadInputAreRefusedBeforeApproval() {
    fakes.keyProblem = "it has neither a primary key nor a unique index on NOT NULL columns";
    assertApplicationFailure(() -> RepackFakes.stub(client).run(RepackInput.of("main", "app", RepackFakes.TABLE)),
        FailureTypes.SAFETY_REFUSED, "pg_repack needs a primary key or a unique index on NOT NULL columns");
    fakes.keyProblem = null;
    fakes.freeBytes = 500 * RepackFakes.MB;
    assertApplicationFailure(() -> RepackFakes.stub(client).run(RepackInput.of("main", "app", RepackFakes.TABLE)),
        FailureTypes.SAFETY_REFUSED, "not enough disk");
    assertApplicationFailure(() -> RepackFakes.stub(client).run(RepackInput.of("main", "app", "orders; drop")),
        FailureTypes.BAD_INPUT, "schema.name");
    assertApplicationFailure(() -> RepackFakes.stub(client).run(RepackInput.of("main", null, RepackFakes.TABLE)),
        FailureTypes.BAD_INPUT, "required");
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("repack") || c.startsWith("cleanup"));
  }

  @Test
  void rejectionRepacksNothing() {
    RepackWorkflow run = RepackFakes.stub(client);
    var result = RepackFakes.execute(run);
    RepackFakes.reject(run);
    assertThat(result.join().report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("repack"));
  }
}
