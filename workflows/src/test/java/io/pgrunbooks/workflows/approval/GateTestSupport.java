package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Test environment (time skipping), fakes and helpers shared by the approval workflow tests. */
abstract class GateTestSupport {
  static final String PARTITION = "public.metrics_2025_01";
  static final String REQUESTER = "dave";
  static final String WORKFLOW_ID = "gated-test:" + PARTITION;
  static final String FIRST = "drop-partition-1";

  TestWorkflowEnvironment env;
  Worker worker;
  final Fakes.Approvals approvals = new Fakes.Approvals();
  final Fakes.Notify notify = new Fakes.Notify();
  final Fakes.Partition db = new Fakes.Partition();
  final Fakes.Reports reports = new Fakes.Reports();

  @BeforeEach
  void setUpEnvironment() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .setUseTimeskipping(true)
        .build());
    TestEnvironments.registerSearchAttributes(env);
    worker = env.newWorker(TaskQueues.CENTRAL);
    // A dry run that reaches the gate is a bug; failing the run (not retrying the task) lets a test see it.
    worker.registerWorkflowImplementationTypes(WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(IllegalStateException.class).build(), GatedTestWorkflowImpl.class);
    worker.registerActivitiesImplementations(approvals, notify, db, reports);
    env.start();
  }

  @AfterEach
  void tearDownEnvironment() {
    env.close();
  }

  GatedTestWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(GatedTestWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(WORKFLOW_ID)
        .setWorkflowRunTimeout(Duration.ofDays(7))
        .build());
  }

  GatedTestWorkflow start(GatedTestInput input) {
    GatedTestWorkflow wf = stub();
    WorkflowClient.start(wf::run, input);
    return wf;
  }

  /** Starts the usual run (requested by dave) and waits until its first approval is pending. */
  GatedTestWorkflow startAndAwaitApproval() {
    GatedTestWorkflow wf = start(GatedTestInput.of(PARTITION, REQUESTER));
    awaitPending(wf, FIRST);
    return wf;
  }

  static PendingApproval awaitPending(GatedTestWorkflow wf, String requestId) {
    Progress p = await(wf, q -> q.pendingApprovals().stream().anyMatch(a -> a.requestId().equals(requestId)));
    return p.pendingApprovals().stream().filter(a -> a.requestId().equals(requestId)).findFirst().orElseThrow();
  }

  /**
   * Queries until {@code condition} holds. Time does not skip while the client only queries, so a
   * pending approval waits here however short its deadline.
   */
  static Progress await(GatedTestWorkflow wf, Predicate<Progress> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    Progress p = wf.progress();
    while (!condition.test(p)) {
      assertThat(System.nanoTime()).as("progress never matched; last: %s", p).isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      p = wf.progress();
    }
    return p;
  }

  /** Waits until the pending request's votes were counted, then for the run's report. */
  static RunReport resultAfterDecision(GatedTestWorkflow wf, String requestId) {
    await(wf, p -> p.pendingApprovals().stream().noneMatch(a -> a.requestId().equals(requestId)));
    return result(wf);
  }

  static RunReport result(GatedTestWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getResult(RunReport.class);
  }

  static ApprovalSignal signal(String requestId, String approver, String comment) {
    return new ApprovalSignal(requestId, approver, comment, null);
  }

  static Decision approveBy(String approver) {
    return new Decision(FIRST, approver, true, "looks right", null);
  }

  /** The reason the workflow gave when it refused an update. */
  static String refusal(Throwable e) {
    assertThat(e).isInstanceOf(WorkflowUpdateException.class);
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure app) {
        return app.getOriginalMessage();
      }
    }
    throw new AssertionError("no ApplicationFailure in " + e);
  }

  String state(GatedTestWorkflow wf) {
    return WorkflowStub.fromTyped(wf).describe().getTypedSearchAttributes().get(SearchAttributes.STATE);
  }
}
