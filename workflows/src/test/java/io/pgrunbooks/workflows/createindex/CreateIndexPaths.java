package io.pgrunbooks.workflows.createindex;

import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.concurrent.CompletableFuture;

/** Recorded paths of {@code CreateIndex} for the replay registry. */
public final class CreateIndexPaths {
  private CreateIndexPaths() {}

  public static String built(TestWorkflowEnvironment env) {
    CreateIndexFakes fakes = new CreateIndexFakes();
    CreateIndexFakes.approve(start(env, fakes));
    return finished(env);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    CreateIndexFakes.reject(start(env, new CreateIndexFakes()));
    return finished(env);
  }

  /** Duplicates under unique: the build fails, its INVALID index is dropped, the run fails. */
  public static String buildFailed(TestWorkflowEnvironment env) {
    CreateIndexFakes fakes = new CreateIndexFakes();
    fakes.buildError = "could not create unique index \"orders_customer_id_idx\"";
    CreateIndexFakes.approve(start(env, fakes));
    return finished(env);
  }

  /** The build outlives a progress poll (its phase is read once), then completes. */
  public static String slowBuild(TestWorkflowEnvironment env) {
    CreateIndexFakes fakes = new CreateIndexFakes();
    // Real time: the test server does not skip time while an activity runs.
    fakes.buildMillis = CreateIndexWorkflowImpl.PROGRESS_POLL.toMillis() + 3_000;
    CreateIndexFakes.approve(start(env, fakes));
    return finished(env);
  }

  private static CreateIndexWorkflow start(TestWorkflowEnvironment env, CreateIndexFakes fakes) {
    CreateIndexWorkflow run = CreateIndexFakes.stub(fakes.start(env));
    CompletableFuture<CreateIndexResult> done = WorkflowClient.execute(run::run, CreateIndexFakes.input());
    done.exceptionally(e -> null);
    return run;
  }

  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(CreateIndexFakes.id()).getResult(Object.class);
    } catch (RuntimeException failedRun) {
      // failed runs are recorded too
    }
    return CreateIndexFakes.id();
  }
}
