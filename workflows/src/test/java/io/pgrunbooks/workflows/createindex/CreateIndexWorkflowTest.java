package io.pgrunbooks.workflows.createindex;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CreateIndex's decisions with scripted activities. */
class CreateIndexWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final CreateIndexFakes fakes = new CreateIndexFakes();

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
  void approvedBuildShowsEvidenceThenBuildsAnalyzesAndReportsBeforeAfter() {
    CreateIndexWorkflow run = CreateIndexFakes.stub(client);
    CompletableFuture<CreateIndexResult> result = WorkflowClient.execute(run::run, CreateIndexFakes.input());
    TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.requestId()).startsWith(CreateIndexWorkflowImpl.STEP);
    assertThat(pending.action()).isEqualTo(CreateIndexFakes.STATEMENT);
    assertThat(pending.evidence()).containsEntry("definition", CreateIndexFakes.DEF)
        .containsEntry("estimated size", "20971520 bytes (HypoPG)")
        .containsEntry("statement 1", "SELECT * FROM public.orders WHERE customer_id = $1 | calls 900, mean 120.5 ms"
            + " | cost 18334.0 -> 8.3 (HypoPG)");
    CreateIndexFakes.approve(run);

    CreateIndexResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(fakes.calls).containsExactly("plan public.orders [customer_id] as orders_customer_id_idx",
        "build " + CreateIndexFakes.STATEMENT, "analyze public.orders");
    assertThat(r.index()).isEqualTo("public.orders_customer_id_idx");
    assertThat(r.bytes()).isEqualTo(22L * 1024 * 1024);
    assertThat(r.statements().get(0).costBefore()).isEqualTo(18334.0);
    assertThat(r.statements().get(0).costAfter()).isEqualTo(8.4);
    assertThat(r.report().summary()).contains("18334.0 -> 8.4");
  }

  @Test
  void progressShowsTheBuildPhaseWhileItRuns() throws InterruptedException {
    fakes.approvals.preApprovals = List.of(new io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval(
        CreateIndexWorkflowImpl.STEP, CreateIndexFakes.TABLE, "approvals.preApprovals[0]"));
    // Time does not skip while an activity runs: the scripted build outlasts one real 15 s progress poll.
    fakes.buildMillis = CreateIndexWorkflowImpl.PROGRESS_POLL.toMillis() + 4_000;
    CreateIndexWorkflow run = CreateIndexFakes.stub(client);
    CompletableFuture<CreateIndexResult> result = WorkflowClient.execute(run::run, CreateIndexFakes.input());
    TestEnvironments.awaitTrue(() -> fakes.calls.stream().anyMatch(c -> c.startsWith("build")), "the build started");
    Thread.sleep(CreateIndexWorkflowImpl.PROGRESS_POLL.toMillis());
    TestEnvironments.awaitTrue(() -> run.progress().currentStep() != null
        && run.progress().currentStep().contains("blocks 50/100"), "build progress in the progress query");
    assertThat(run.progress().currentStep()).isEqualTo("build (building index: scanning table, blocks 50/100 (50%))");
    assertThat(result.join().report().outcome()).isEqualTo(RunbookState.COMPLETED);
  }

  @Test
  void rejectionBuildsNothing() {
    CreateIndexWorkflow run = CreateIndexFakes.stub(client);
    CompletableFuture<CreateIndexResult> result = WorkflowClient.execute(run::run, CreateIndexFakes.input());
    CreateIndexFakes.reject(run);
    CreateIndexResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(fakes.calls).hasSize(1);
    assertThat(r.bytes()).isEqualTo(-1);
  }

  @Test
  void failedBuildFailsTheRunAndSaysItsInvalidIndexWasDropped() {
    fakes.buildError = "could not create unique index \"orders_customer_id_idx\"";
    CreateIndexWorkflow run = CreateIndexFakes.stub(client);
    CompletableFuture<CreateIndexResult> result = WorkflowClient.execute(run::run, CreateIndexFakes.input());
    CreateIndexFakes.approve(run);
    assertApplicationFailure(result::join, CreateIndexWorkflowImpl.BUILD_FAILED, "could not create unique index");
    assertThat(fakes.calls).doesNotContain("analyze public.orders");
  }

  @Test
  void aBuildAttemptLostWithItsWorkerIsRetriedAndTheRunConverges() {
    fakes.crashes = 1;
    CreateIndexWorkflow run = CreateIndexFakes.stub(client);
    CompletableFuture<CreateIndexResult> result = WorkflowClient.execute(run::run, CreateIndexFakes.input());
    CreateIndexFakes.approve(run);
    assertThat(result.join().report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(fakes.calls.stream().filter(c -> c.startsWith("build"))).hasSize(2);
  }

  @Test
  void equivalentIndexLowDiskAndReplicaLagAreRefusedBeforeApproval() {
    fakes.equivalent = "public.orders_by_customer";
    assertApplicationFailure(() -> CreateIndexFakes.stub(client).run(CreateIndexFakes.input()),
        FailureTypes.SAFETY_REFUSED, "an equivalent valid index exists already: public.orders_by_customer");
    fakes.equivalent = null;
    fakes.freeBytes = 100L * 1024 * 1024;
    assertApplicationFailure(() -> CreateIndexFakes.stub(client).run(CreateIndexFakes.input()),
        FailureTypes.SAFETY_REFUSED, "not enough disk");
    fakes.freeBytes = 50 * CreateIndexFakes.GB;
    fakes.lag = 1024L * 1024 * 1024;
    assertApplicationFailure(() -> CreateIndexFakes.stub(client).run(CreateIndexFakes.input()),
        FailureTypes.SAFETY_REFUSED, "bytes behind");
    assertThat(fakes.calls).noneMatch(c -> c.startsWith("build"));
  }

  @Test
  void invalidLeftoverIsNamedInTheApprovalAndDroppedByTheBuild() {
    fakes.leftover = "public.orders_customer_id_idx";
    CreateIndexWorkflow run = CreateIndexFakes.stub(client);
    CompletableFuture<CreateIndexResult> result = WorkflowClient.execute(run::run, CreateIndexFakes.input());
    TestEnvironments.awaitPendingApproval(run);
    assertThat(run.progress().pendingApprovals().get(0).action())
        .startsWith("drop the INVALID leftover public.orders_customer_id_idx, then CREATE INDEX CONCURRENTLY");
    CreateIndexFakes.approve(run);
    assertThat(result.join().report().changes()).contains("dropped INVALID index public.orders_customer_id_idx");
  }

  @Test
  void badInputFailsBeforeAnyActivity() {
    CreateIndexInput injected = new CreateIndexInput("main", "app", CreateIndexFakes.TABLE,
        List.of("customer_id; DROP TABLE public.orders"), null, null, null, null, null, false, null, null);
    assertApplicationFailure(() -> CreateIndexFakes.stub(client).run(injected), FailureTypes.BAD_INPUT, "';'");
    CreateIndexInput both = new CreateIndexInput("main", "app", CreateIndexFakes.TABLE, List.of("a"),
        "CREATE INDEX ON public.orders (a)", null, null, null, null, false, null, null);
    assertApplicationFailure(() -> CreateIndexFakes.stub(client).run(both), FailureTypes.BAD_INPUT, "exactly one");
    assertThat(fakes.calls).isEmpty();
  }

  @Test
  void dryRunPlansAndBuildsNothing() {
    CreateIndexInput in = new CreateIndexInput("main", "app", CreateIndexFakes.TABLE, List.of("customer_id"), null,
        null, null, null, null, true, null, null);
    CreateIndexResult r = CreateIndexFakes.stub(client).run(in);
    assertThat(r.report().plan()).contains(CreateIndexFakes.STATEMENT);
    assertThat(fakes.calls).hasSize(1);
  }
}
