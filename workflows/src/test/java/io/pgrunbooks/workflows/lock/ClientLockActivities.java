package io.pgrunbooks.workflows.lock;

import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.util.Optional;

/**
 * Test double of {@code activities/lock/LockActivitiesImpl} for this module's tests and history
 * recordings (the workflows module cannot depend on the activities module); the real one is
 * tested in the activities module.
 */
public class ClientLockActivities implements LockActivities {
  private final WorkflowClient client;

  public ClientLockActivities(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void requestLock(LockActivityInput input) {
    TopologyLockWorkflow lock = client.newWorkflowStub(TopologyLockWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(TopologyLock.workflowId(input.cluster()))
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .build());
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(lock::run, TopologyLockInput.of(input.cluster()));
    batch.add(lock::acquire, input.request());
    client.signalWithStart(batch);
  }

  @Override
  public void releaseLock(LockReleaseInput input) {
    client.newWorkflowStub(TopologyLockWorkflow.class, TopologyLock.workflowId(input.cluster()))
        .release(input.release());
  }

  @Override
  public RunStatus describeRun(DescribeRunInput input) {
    try {
      WorkflowExecutionStatus status = client.newUntypedWorkflowStub(input.workflowId(),
          Optional.ofNullable(input.runId()), Optional.empty()).describe().getStatus();
      return new RunStatus(input.workflowId(), input.runId(), status.name().replace("WORKFLOW_EXECUTION_STATUS_", ""),
          status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    } catch (WorkflowNotFoundException e) {
      return new RunStatus(input.workflowId(), input.runId(), "NOT_FOUND", false);
    }
  }
}
