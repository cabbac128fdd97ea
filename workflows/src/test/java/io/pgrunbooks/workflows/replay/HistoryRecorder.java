package io.pgrunbooks.workflows.replay;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Records the histories of {@link HistoryScenarios#ALL} into {@code src/test/resources/histories/}.
 * Not part of the normal build (surefire only picks up {@code *Test} classes); run it on purpose
 * after a deliberate change of workflow logic, see the README in that folder:
 *
 * <pre>
 * mvn -B -o -pl workflows test -Dtest=HistoryRecorder -Drecord.histories=true
 * mvn -B -o -pl workflows test -Dtest=HistoryRecorder -Drecord.histories=TopologyLock,HealthCheck
 * </pre>
 */
class HistoryRecorder {
  static final String PROPERTY = "record.histories";

  @Test
  void recordHistories() throws Exception {
    String asked = System.getProperty(PROPERTY, "").strip();
    if (asked.isEmpty() || asked.equals("false")) {
      throw new IllegalStateException("HistoryRecorder overwrites the stored histories: pass -D" + PROPERTY
          + "=true (all runbooks) or -D" + PROPERTY + "=<Runbook>[,<Runbook>...] to record");
    }
    Set<String> known = HistoryScenarios.ALL.stream().map(HistoryScenario::runbook).collect(Collectors.toSet());
    Set<String> runbooks = asked.equals("true") ? known
        : Arrays.stream(asked.split(",")).map(String::strip).collect(Collectors.toSet());
    if (!known.containsAll(runbooks)) {
      throw new IllegalArgumentException("no recorded paths for " + runbooks.stream().filter(r -> !known.contains(r))
          .toList() + "; known runbooks: " + known.stream().sorted().toList());
    }
    Path dir = HistoryScenarios.directory();
    Files.createDirectories(dir);
    for (HistoryScenario scenario : HistoryScenarios.ALL) {
      if (runbooks.contains(scenario.runbook())) {
        record(scenario, dir.resolve(scenario.fileName()));
      }
    }
  }

  private static void record(HistoryScenario scenario, Path file) throws Exception {
    String json;
    try (TestWorkflowEnvironment env = TestEnvironments.newEnvironment()) {
      String workflowId = scenario.recording().record(env);
      WorkflowExecutionHistory history = env.getWorkflowClient().fetchHistory(workflowId);
      refuseIncompleteFakes(scenario, history);
      json = history.toJson(true);
    }
    Files.writeString(file, json + "\n");
    // A recording that does not replay against the code that made it is useless: check now.
    HistoryReplay.replay(HistoryReplay.read(file), HistoryScenarios.WORKFLOW_IMPLEMENTATIONS);
    System.out.println("recorded " + file);
  }

  /** A path whose fakes miss an activity the workflow now calls would store a history of that mistake. */
  private static void refuseIncompleteFakes(HistoryScenario scenario, WorkflowExecutionHistory history) {
    for (HistoryEvent event : history.getEvents()) {
      if (event.hasActivityTaskFailedEventAttributes()
          && event.getActivityTaskFailedEventAttributes().getFailure().getMessage().contains("not registered")) {
        throw new IllegalStateException(scenario.fileName() + ": the path's fakes lack an activity the workflow calls: "
            + event.getActivityTaskFailedEventAttributes().getFailure().getMessage());
      }
    }
  }
}
