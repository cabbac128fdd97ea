package io.pgrunbooks.ops.cli;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;

/** What {@code runbooks cancel} and {@code runbooks terminate} share: the latest run of an id, refused when closed. */
final class RunControl {
  private RunControl() {}

  /**
   * The stub of the latest run of {@code workflowId}, checked to be running.
   *
   * @throws io.temporal.client.WorkflowNotFoundException for an unknown id (exit code 3)
   * @throws CliFailure when that run is already closed, saying how it ended
   */
  static WorkflowStub running(WorkflowClient client, String workflowId, String verb) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    WorkflowExecutionDescription d = stub.describe();
    WorkflowExecutionStatus status = d.getStatus();
    if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new CliFailure(ExitCodes.FAILED, workflowId + " is already closed (" + status.name()
          .replace("WORKFLOW_EXECUTION_STATUS_", "") + (d.getCloseTime() == null ? "" : " at " + Text.time(d.getCloseTime()))
          + ", run id " + d.getExecution().getRunId() + "); nothing to " + verb);
    }
    return client.newUntypedWorkflowStub(workflowId, java.util.Optional.of(d.getExecution().getRunId()),
        java.util.Optional.empty());
  }

  /** Who asks: {@code --as}, else the operating-system user. */
  static String who(String as) {
    return as != null && !as.isBlank() ? as : System.getProperty("user.name", "unknown");
  }
}
