package io.pgrunbooks.workflows.queryreport;

import io.temporal.testing.TestWorkflowEnvironment;

/** Recorded paths of {@code QueryReport} for the replay registry. */
public final class QueryReportPaths {
  private QueryReportPaths() {}

  /** Deltas, a what-if gain, an unused index: completed without findings. */
  public static String reported(TestWorkflowEnvironment env) {
    return run(env, new QueryReportFakes());
  }

  /** An INVALID index: completed with a warning finding. */
  public static String findings(TestWorkflowEnvironment env) {
    QueryReportFakes fakes = new QueryReportFakes();
    fakes.invalidIndex = true;
    return run(env, fakes);
  }

  /** The activity refuses an unknown node: failed. */
  public static String badNode(TestWorkflowEnvironment env) {
    QueryReportFakes fakes = new QueryReportFakes();
    fakes.unknownNode = true;
    return run(env, fakes);
  }

  private static String run(TestWorkflowEnvironment env, QueryReportFakes fakes) {
    try {
      QueryReportFakes.stub(fakes.start(env)).run(QueryReportInput.of("main", "app"));
    } catch (RuntimeException failedRun) {
      // failed runs are recorded too
    }
    return QueryReportFakes.id();
  }
}
