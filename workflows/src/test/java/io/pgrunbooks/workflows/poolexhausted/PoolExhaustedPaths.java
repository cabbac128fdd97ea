package io.pgrunbooks.workflows.poolexhausted;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;

/**
 * Recorded paths of {@code PoolExhausted}, and of its children's delegated-approval paths ({@code TerminateSessions}
 * and {@code PoolResize} started by it), for the replay registry.
 */
public final class PoolExhaustedPaths {
  private PoolExhaustedPaths() {}

  /** Holders found, one approval, the child TerminateSessions ends them, cl_waiting falls. */
  public static String terminated(TestWorkflowEnvironment env) {
    approvedRun(env, new ExhaustedFakes());
    return ExhaustedFakes.ID;
  }

  /** The child of {@link #terminated}: approved by delegation. */
  public static String delegatedTerminate(TestWorkflowEnvironment env) {
    approvedRun(env, new ExhaustedFakes());
    env.getWorkflowClient().newUntypedWorkflowStub(ExhaustedFakes.TERMINATE_CHILD).getResult(Object.class);
    return ExhaustedFakes.TERMINATE_CHILD;
  }

  /** No holder: one approval, the child PoolResize grows the pool (and reverts it). */
  public static String resized(TestWorkflowEnvironment env) {
    ExhaustedFakes fakes = new ExhaustedFakes();
    fakes.sessions = List.of();
    approvedRun(env, fakes);
    return ExhaustedFakes.ID;
  }

  /** The child of {@link #resized}: approved by delegation, reverted by its timer. */
  public static String delegatedResize(TestWorkflowEnvironment env) {
    ExhaustedFakes fakes = new ExhaustedFakes();
    fakes.sessions = List.of();
    approvedRun(env, fakes);
    env.getWorkflowClient().newUntypedWorkflowStub(ExhaustedFakes.RESIZE_CHILD).getResult(Object.class);
    return ExhaustedFakes.RESIZE_CHILD;
  }

  public static String rejected(TestWorkflowEnvironment env) {
    PoolExhaustedWorkflow run = new ExhaustedFakes().start(env);
    WorkflowClient.execute(run::run, ExhaustedFakes.input("app", false));
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "deploy in progress", null));
    env.getWorkflowClient().newUntypedWorkflowStub(ExhaustedFakes.ID).getResult(Object.class);
    return ExhaustedFakes.ID;
  }

  public static String nothingToDo(TestWorkflowEnvironment env) {
    ExhaustedFakes fakes = new ExhaustedFakes();
    fakes.waiting = 0;
    fakes.start(env).run(ExhaustedFakes.input("app", false));
    return ExhaustedFakes.ID;
  }

  private static void approvedRun(TestWorkflowEnvironment env, ExhaustedFakes fakes) {
    PoolExhaustedWorkflow run = fakes.start(env);
    WorkflowClient.execute(run::run, ExhaustedFakes.input("app", false));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "API down", null));
    env.getWorkflowClient().newUntypedWorkflowStub(ExhaustedFakes.ID).getResult(Object.class);
  }
}
