package io.pgrunbooks.workflows.restoredatabase;

import io.temporal.testing.TestWorkflowEnvironment;

/** Recorded paths of {@code RestoreDatabase} for the replay registry. */
public final class RestoreDatabasePaths {
  private RestoreDatabasePaths() {}

  /** Restored into app_restored, counts match, no swap. */
  public static String restored(TestWorkflowEnvironment env) {
    RestoreDatabaseFakes fakes = new RestoreDatabaseFakes();
    RestoreDatabaseFakes.execute(RestoreDatabaseFakes.stub(fakes.start(env)),
        RestoreDatabaseInput.of("main", "app", RestoreDatabaseFakes.TARGET));
    return finished(env);
  }

  /** Restored, approved swap: PAUSE, both renames, RESUME. */
  public static String swapped(TestWorkflowEnvironment env) {
    RestoreDatabaseFakes fakes = new RestoreDatabaseFakes();
    RestoreDatabaseWorkflow run = RestoreDatabaseFakes.stub(fakes.start(env));
    RestoreDatabaseFakes.execute(run, RestoreDatabaseInput.of("main", "app", RestoreDatabaseFakes.TARGET).withSwap());
    RestoreDatabaseFakes.approve(run, "alice");
    return finished(env);
  }

  /** Restored, swap rejected: the restored database stays under its new name. */
  public static String swapRejected(TestWorkflowEnvironment env) {
    RestoreDatabaseFakes fakes = new RestoreDatabaseFakes();
    RestoreDatabaseWorkflow run = RestoreDatabaseFakes.stub(fakes.start(env));
    RestoreDatabaseFakes.execute(run, RestoreDatabaseInput.of("main", "app", RestoreDatabaseFakes.TARGET).withSwap());
    RestoreDatabaseFakes.reject(run);
    return finished(env);
  }

  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(RestoreDatabaseFakes.id()).getResult(Object.class);
    } catch (RuntimeException failedRun) {
      // failed runs are recorded too
    }
    return RestoreDatabaseFakes.id();
  }
}
