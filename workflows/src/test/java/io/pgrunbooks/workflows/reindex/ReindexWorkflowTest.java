package io.pgrunbooks.workflows.reindex;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reindex's decisions with scripted activities. */
class ReindexWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final ReindexFakes fakes = new ReindexFakes();

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
  void bloatedIndexWithALeftoverIsApprovedCleanedUpAndRebuiltWithSizesBeforeAndAfter() {
    fakes.leftovers = List.of("public.orders_note_idx_ccnew");
    ReindexWorkflow run = ReindexFakes.stub(client);
    var result = ReindexFakes.execute(run);
    TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.requestId()).startsWith(ReindexWorkflowImpl.STEP);
    assertThat(pending.action()).isEqualTo("drop INVALID leftovers [public.orders_note_idx_ccnew], then REINDEX INDEX"
        + " CONCURRENTLY " + ReindexFakes.INDEX);
    assertThat(pending.evidence().get(ReindexFakes.INDEX)).contains("bloated").contains("x3.0");
    ReindexFakes.approve(run);
    ReindexResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.before().get(0).bytes()).isEqualTo(300 * ReindexFakes.MB);
    assertThat(r.after().get(0).bytes()).isEqualTo(101 * ReindexFakes.MB);
    assertThat(r.leftoversDropped()).containsExactly("public.orders_note_idx_ccnew");
    assertThat(fakes.calls).containsExactly("inspect " + ReindexFakes.INDEX, "reindex " + ReindexFakes.INDEX);
  }

  @Test
  void healthyIndexLowDiskAndBadInputAreRefusedBeforeApproval() {
    fakes.bytes = 110 * ReindexFakes.MB;
    assertApplicationFailure(() -> ReindexFakes.stub(client).run(ReindexInput.ofIndex("main", "app", ReindexFakes.INDEX)),
        FailureTypes.SAFETY_REFUSED, "nothing to rebuild");
    fakes.bytes = 300 * ReindexFakes.MB;
    fakes.freeBytes = 200 * ReindexFakes.MB;
    assertApplicationFailure(() -> ReindexFakes.stub(client).run(ReindexInput.ofIndex("main", "app", ReindexFakes.INDEX)),
        FailureTypes.SAFETY_REFUSED, "not enough disk");
    assertApplicationFailure(() -> ReindexFakes.stub(client).run(new ReindexInput("main", "app", ReindexFakes.INDEX,
        "public.orders", null, false, null, null)), FailureTypes.BAD_INPUT, "exactly one");
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("reindex"));
  }

  @Test
  void rejectionRebuildsNothing() {
    ReindexWorkflow run = ReindexFakes.stub(client);
    var result = ReindexFakes.execute(run);
    ReindexFakes.reject(run);
    assertThat(result.join().report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("reindex"));
  }

  @Test
  void slowRebuildShowsPgStatProgressCreateIndexInTheProgressQuery() throws Exception {
    fakes.reindexMillis = ReindexWorkflowImpl.PROGRESS_POLL.toMillis() + 4_000;
    ReindexWorkflow run = ReindexFakes.stub(client);
    var result = ReindexFakes.execute(run);
    ReindexFakes.approve(run);
    TestEnvironments.awaitTrue(() -> fakes.calls.stream().anyMatch(c -> c.startsWith("reindex")), "the rebuild started");
    Thread.sleep(ReindexWorkflowImpl.PROGRESS_POLL.toMillis());
    TestEnvironments.awaitTrue(() -> run.progress().currentStep() != null
        && run.progress().currentStep().contains(ReindexFakes.PROGRESS), "rebuild progress in the progress query");
    assertThat(run.progress().currentStep()).isEqualTo("reindex (" + ReindexFakes.PROGRESS + ")");
    assertThat(result.join().report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(run.progress().currentStep()).as("no step runs after the rebuild").isNull();
    assertThat(fakes.calls).contains("progress " + ReindexFakes.INDEX);
  }
}
