package io.pgrunbooks.workflows.repack;

import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;

/** Recorded paths of {@code Repack} for the replay registry. */
public final class RepackPaths {
  private RepackPaths() {}

  /** A bloated table with leftovers of a killed run: approved, repacked, sizes before and after. */
  public static String repacked(TestWorkflowEnvironment env) {
    RepackFakes fakes = new RepackFakes();
    fakes.leftovers = List.of("trigger repack_trigger on public.orders");
    RepackWorkflow run = RepackFakes.stub(fakes.start(env));
    RepackFakes.execute(run);
    RepackFakes.approve(run);
    return finished(env);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    RepackWorkflow run = RepackFakes.stub(new RepackFakes().start(env));
    RepackFakes.execute(run);
    RepackFakes.reject(run);
    return finished(env);
  }

  /** pg_repack fails after approval: the cleanup step drops what it left, the run fails. */
  public static String failedAndCleaned(TestWorkflowEnvironment env) {
    RepackFakes fakes = new RepackFakes();
    fakes.repackFails = true;
    RepackWorkflow run = RepackFakes.stub(fakes.start(env));
    RepackFakes.execute(run);
    RepackFakes.approve(run);
    return finished(env);
  }

  /** No primary key nor unique NOT NULL index: refused before approval. */
  public static String noKey(TestWorkflowEnvironment env) {
    RepackFakes fakes = new RepackFakes();
    fakes.keyProblem = "it has neither a primary key nor a unique index on NOT NULL columns";
    RepackFakes.execute(RepackFakes.stub(fakes.start(env)));
    return finished(env);
  }

  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(RepackFakes.id()).getResult(Object.class);
    } catch (RuntimeException failedRun) {
      // failed runs are recorded too
    }
    return RepackFakes.id();
  }
}
