package io.pgrunbooks.activities.lock;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.DescribeRunInput;
import io.pgrunbooks.workflows.lock.LockActivities;
import io.pgrunbooks.workflows.lock.LockActivityInput;
import io.pgrunbooks.workflows.lock.LockReleaseInput;
import io.pgrunbooks.workflows.lock.RunStatus;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.pgrunbooks.workflows.lock.TopologyLockInput;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.Optional;

/** {@link LockActivities} through the worker's Temporal client. */
public class LockActivitiesImpl implements LockActivities {
  private final WorkflowClient client;

  public LockActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void requestLock(LockActivityInput input) {
    if (input == null || input.cluster() == null || input.cluster().isBlank() || input.request() == null
        || input.request().lockId() == null || input.request().requesterWorkflowId() == null) {
      throw Lookups.badInput("a lock request needs a cluster, a lockId and the requester's workflow id: " + input);
    }
    String cluster = input.cluster();
    TopologyLockWorkflow lock = client.newWorkflowStub(TopologyLockWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(TopologyLock.workflowId(cluster))
        // A lock that ended while free is started afresh; a running one just gets the signal.
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setStaticSummary("Topology lock of cluster " + cluster)
        .setMemo(Map.of(TopologyLock.STARTED_BY_MEMO, TopologyLock.STARTED_BY_RUNBOOK))
        .build());
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(lock::run, TopologyLockInput.of(cluster));
    batch.add(lock::acquire, input.request());
    WorkflowExecution got = client.signalWithStart(batch);
    // Signal-with-start only signals a run already under the id, whatever its type: a squatter would
    // swallow the request and the runbook would wait for an answer that never comes. Say so now.
    WorkflowExecutionDescription d = client.newUntypedWorkflowStub(got.getWorkflowId(),
        Optional.of(got.getRunId()), Optional.empty()).describe();
    String squatter = TopologyLock.squatter(cluster, d.getWorkflowType(),
        java.util.Objects.toString(d.getMemo(TopologyLock.STARTED_BY_MEMO, String.class), null), got.getRunId(), d.getStartTime());
    if (squatter != null) {
      throw ApplicationFailure.newNonRetryableFailure(squatter, FailureTypes.SAFETY_REFUSED);
    }
  }

  @Override
  public void releaseLock(LockReleaseInput input) {
    if (input == null || input.cluster() == null || input.release() == null) {
      throw Lookups.badInput("a lock release needs a cluster and what to release: " + input);
    }
    try {
      client.newWorkflowStub(TopologyLockWorkflow.class, TopologyLock.workflowId(input.cluster()))
          .release(input.release());
    } catch (WorkflowNotFoundException e) {
      // The lock only ends while free, so a lock that is not running holds nothing to release.
    }
  }

  @Override
  public RunStatus describeRun(DescribeRunInput input) {
    if (input == null || input.workflowId() == null) {
      throw Lookups.badInput("describeRun needs a workflow id: " + input);
    }
    try {
      WorkflowExecutionStatus status = client.newUntypedWorkflowStub(input.workflowId(),
          Optional.ofNullable(input.runId()), Optional.empty()).describe().getStatus();
      return new RunStatus(input.workflowId(), input.runId(),
          status.name().replace("WORKFLOW_EXECUTION_STATUS_", ""),
          status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    } catch (WorkflowNotFoundException e) {
      // Gone past retention, or never existed: either way it cannot be holding anything.
      return new RunStatus(input.workflowId(), input.runId(), "NOT_FOUND", false);
    }
  }
}
