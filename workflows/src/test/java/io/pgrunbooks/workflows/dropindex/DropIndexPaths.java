package io.pgrunbooks.workflows.dropindex;

import io.temporal.testing.TestWorkflowEnvironment;

/** Recorded paths of {@code DropIndex} for the replay registry. */
public final class DropIndexPaths {
  private DropIndexPaths() {}

  public static String dropped(TestWorkflowEnvironment env) {
    DropIndexWorkflow run = DropIndexFakes.stub(new DropIndexFakes().start(env));
    DropIndexFakes.execute(run);
    DropIndexFakes.approve(run);
    return finished(env);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    DropIndexWorkflow run = DropIndexFakes.stub(new DropIndexFakes().start(env));
    DropIndexFakes.execute(run);
    DropIndexFakes.reject(run);
    return finished(env);
  }

  /** The primary key's index: refused before any approval. */
  public static String constraintRefused(TestWorkflowEnvironment env) {
    DropIndexFakes fakes = new DropIndexFakes();
    fakes.constraint = "orders_pkey (primary key)";
    DropIndexFakes.execute(DropIndexFakes.stub(fakes.start(env)));
    return finished(env);
  }

  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(DropIndexFakes.id()).getResult(Object.class);
    } catch (RuntimeException failedRun) {
      // failed runs are recorded too
    }
    return DropIndexFakes.id();
  }
}
