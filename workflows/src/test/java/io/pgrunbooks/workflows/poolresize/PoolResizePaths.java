package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.testing.TestWorkflowEnvironment;

/** Recorded paths of {@code PoolResize} for the replay registry. */
public final class PoolResizePaths {
  private PoolResizePaths() {}

  /** Approved, resized, reverted after the durable timer. */
  public static String approvedReverted(TestWorkflowEnvironment env) {
    PoolResizeWorkflow run = new PoolFakes().start(env);
    WorkflowClient.execute(run::run, PoolFakes.input(40, "2h", false));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "clients waiting", null));
    return finished(env);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    PoolResizeWorkflow run = new PoolFakes().start(env);
    WorkflowClient.execute(run::run, PoolFakes.input(40, null, false));
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "fix the leak instead", null));
    return finished(env);
  }

  public static String dryRun(TestWorkflowEnvironment env) {
    new PoolFakes().start(env).run(PoolFakes.input(40, "1h", true));
    return PoolFakes.ID;
  }

  /** Beyond the headroom: refused with the numbers before any change. */
  public static String refused(TestWorkflowEnvironment env) {
    PoolResizeWorkflow run = new PoolFakes().start(env);
    WorkflowClient.execute(run::run, PoolFakes.input(80, null, false));
    return finished(env);
  }

  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(PoolFakes.ID).getResult(PoolResizeResult.class);
    } catch (WorkflowFailedException expected) {
      // the refusal path ends FAILED on purpose
    }
    return PoolFakes.ID;
  }
}
