package io.pgrunbooks.workflows.reindex;

import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;

/** Recorded paths of {@code Reindex} for the replay registry. */
public final class ReindexPaths {
  private ReindexPaths() {}

  /** A bloated index with a _ccnew leftover: approved, leftover dropped, rebuilt. */
  public static String rebuilt(TestWorkflowEnvironment env) {
    ReindexFakes fakes = new ReindexFakes();
    fakes.leftovers = List.of("public.orders_note_idx_ccnew");
    ReindexWorkflow run = ReindexFakes.stub(fakes.start(env));
    ReindexFakes.execute(run);
    ReindexFakes.approve(run);
    return finished(env);
  }

  /** The rebuild outlives a progress poll (its progress is read once), then completes. */
  public static String slowRebuild(TestWorkflowEnvironment env) {
    ReindexFakes fakes = new ReindexFakes();
    fakes.reindexMillis = ReindexWorkflowImpl.PROGRESS_POLL.toMillis() + 3_000;
    ReindexWorkflow run = ReindexFakes.stub(fakes.start(env));
    ReindexFakes.execute(run);
    ReindexFakes.approve(run);
    return finished(env);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    ReindexWorkflow run = ReindexFakes.stub(new ReindexFakes().start(env));
    ReindexFakes.execute(run);
    ReindexFakes.reject(run);
    return finished(env);
  }

  /** Nothing bloated or INVALID and no force: refused before approval. */
  public static String nothingToDo(TestWorkflowEnvironment env) {
    ReindexFakes fakes = new ReindexFakes();
    fakes.bytes = 110 * ReindexFakes.MB;
    ReindexFakes.execute(ReindexFakes.stub(fakes.start(env)));
    return finished(env);
  }

  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(ReindexFakes.id()).getResult(Object.class);
    } catch (RuntimeException failedRun) {
      // failed runs are recorded too
    }
    return ReindexFakes.id();
  }
}
