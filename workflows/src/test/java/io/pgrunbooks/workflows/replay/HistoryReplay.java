package io.pgrunbooks.workflows.replay;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Replays stored histories with the project data converter against given workflow implementations. */
final class HistoryReplay {
  private HistoryReplay() {}

  static WorkflowExecutionHistory read(Path file) throws IOException {
    return WorkflowExecutionHistory.fromJson(Files.readString(file));
  }

  /** Throws (a {@code NonDeterministicException} somewhere in the chain) when the code no longer matches the history. */
  static void replay(WorkflowExecutionHistory history, List<Class<?>> implementations) throws Exception {
    try (TestWorkflowEnvironment env = TestEnvironments.newEnvironment()) {
      Worker worker = env.newWorker("replay");
      worker.registerWorkflowImplementationTypes(implementations.toArray(Class<?>[]::new));
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }
}
