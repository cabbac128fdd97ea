package io.pgrunbooks.workflows.restoredrill;

import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;

/** Recorded paths of {@code RestoreDrill} for the replay registry. */
public final class RestoreDrillPaths {
  private RestoreDrillPaths() {}

  public static String passed(TestWorkflowEnvironment env) {
    new RestoreDrillRuns(env).run(RestoreDrillInput.of("main", null, null));
    return RestoreDrillRuns.ID;
  }

  public static String afterSentinelPresent(TestWorkflowEnvironment env) {
    RestoreDrillRuns runs = new RestoreDrillRuns(env);
    runs.fakes.facts = new DrillFacts(false, 2, true, true, 0, List.of(), 0, 3, List.of());
    runs.run(RestoreDrillInput.of("main", "2025-12-07T12:00:00Z", "app"));
    return RestoreDrillRuns.ID;
  }

  public static String restoreFailed(TestWorkflowEnvironment env) {
    RestoreDrillRuns runs = new RestoreDrillRuns(env);
    runs.fakes.restoreFailure = "the restored instance stopped before recovery reached the target: FATAL:  recovery "
        + "ended before configured recovery target was reached";
    runs.run(RestoreDrillInput.of("main", null, null));
    return RestoreDrillRuns.ID;
  }

  public static String dryRun(TestWorkflowEnvironment env) {
    new RestoreDrillRuns(env).run(new RestoreDrillInput("main", null, null, true, "alice", "plan"));
    return RestoreDrillRuns.ID;
  }
}
