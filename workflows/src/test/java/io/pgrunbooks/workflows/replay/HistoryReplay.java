package io.pgrunbooks.workflows.replay;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Replays stored histories with the project data converter against given workflow implementations. */
final class HistoryReplay {
  private HistoryReplay() {}

  static WorkflowExecutionHistory read(Path file) throws IOException {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(Files.readString(file));
    String id = idFromChildren(history);
    return id == null ? history : WorkflowExecutionHistory.fromJson(Files.readString(file), id);
  }

  /**
   * The id a history ran under when its child ids derive from it (PartitionMaintenance's {@code <id>/batch-<n>}, a
   * topology runbook's {@code replica-rebuild:<cluster>:<node>:<id>}): replay must start those children under the same
   * ids, and a stored history does not hold its own id. Null else.
   */
  private static String idFromChildren(WorkflowExecutionHistory history) {
    for (HistoryEvent e : history.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
        String child = e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId();
        int at = child.lastIndexOf(PartitionBatchWorkflow.ID_INFIX);
        if (at > 0) {
          return child.substring(0, at);
        }
        String[] rebuild = child.split(":", 4);
        if (rebuild.length == 4 && child.startsWith(WorkflowIds.replicaRebuild(rebuild[1], rebuild[2]) + ":")) {
          return rebuild[3];
        }
      }
    }
    return null;
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
