package io.pgrunbooks.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.LockHolder;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.Optional;

/** Starting a runbook on the central task queue, as the CLI and the REST API do it. */
public final class RunStarts {
  private RunStarts() {}

  /**
   * What every manual start (CLI, API) does: checks the input as the workflow will read it
   * ({@link RunbookCatalog#validate}), refuses a topology runbook while the cluster's lock is held
   * ({@link #checkTopologyLock}), then {@link #start}s.
   *
   * @throws InputProblem naming each bad field
   * @throws RunConflict naming the run that holds the id or the lock
   */
  public static WorkflowExecution startChecked(WorkflowClient client, String type, String workflowId,
                                               ObjectNode input) {
    RunbookCatalog.validate(type, input);
    checkTopologyLock(client, type, input.path("cluster").asText());
    return start(client, type, workflowId, input);
  }

  /**
   * Starts {@code type} under {@code workflowId} with the contract's static summary.
   *
   * @throws RunConflict when the id is already running, naming that run
   */
  public static WorkflowExecution start(WorkflowClient client, String type, String workflowId, ObjectNode input) {
    WorkflowStub stub = client.newUntypedWorkflowStub(type, options(type, input, workflowId));
    try {
      return stub.start(input);
    } catch (WorkflowExecutionAlreadyStarted e) {
      String runId = e.getExecution().getRunId();
      throw new RunConflict(workflowId + " is already running (run id " + runId + holder(client, workflowId, runId)
          + ")", workflowId, runId);
    }
  }

  /**
   * Options of a run of {@code type} with {@code input} (checked by {@link RunbookTargets#checkRequired}),
   * shared by manual starts and the schedules' start action so a scheduled run looks like one started
   * by hand: the contract's workflow id, task queue {@code pg-runbooks}, the static summary, and the
   * search attributes known before the run starts (the run itself sets {@code RunbookTarget} and moves
   * {@code RunbookState} on).
   */
  public static WorkflowOptions options(String type, ObjectNode input, String workflowId) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(TaskQueues.CENTRAL)
        .setStaticSummary(RunbookTargets.summary(type, input))
        .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
            .set(SearchAttributes.TYPE, type)
            .set(SearchAttributes.CLUSTER, input.path("cluster").asText())
            .set(SearchAttributes.STATE, RunbookState.RUNNING.name())
            .set(SearchAttributes.DRY_RUN, input.path("dryRun").asBoolean(false))
            .build())
        .build();
  }

  /**
   * Refuses a topology runbook while another run holds the cluster's topology lock, so the caller
   * hears it now rather than from a run that fails at its first step. The run itself still takes
   * the lock (this is a courtesy check, not the guard).
   *
   * @throws RunConflict naming the holder
   */
  public static void checkTopologyLock(WorkflowClient client, String type, String cluster) {
    if (!RunbookTargets.topologyLocked(type)) {
      return;
    }
    String lockId = TopologyLock.workflowId(cluster);
    LockHolder holder;
    try {
      WorkflowStub lock = client.newUntypedWorkflowStub(lockId);
      WorkflowExecutionDescription d = lock.describe();
      if (d.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return;
      }
      String squatter = TopologyLock.squatter(cluster, d.getWorkflowType(),
          java.util.Objects.toString(d.getMemo(TopologyLock.STARTED_BY_MEMO, String.class), null), d.getExecution().getRunId(), d.getStartTime());
      if (squatter != null) {
        throw new RunConflict(squatter, lockId, d.getExecution().getRunId());
      }
      holder = lock.query("holder", LockHolder.class);
    } catch (WorkflowNotFoundException e) {
      return;
    } catch (WorkflowException e) {
      // An unanswered lock query is not a reason to refuse: the run's own acquire decides.
      return;
    }
    if (holder != null) {
      throw new RunConflict("the topology lock of cluster " + cluster + " (" + lockId + ") is held by "
          + holder.workflowId() + " (" + holder.runbook() + ", since " + holder.since() + ")", holder.workflowId(),
          null);
    }
  }

  /** ", started 2026-01-01T10:00:00Z: HealthCheck of main, requested by bob" for the run holding the id. */
  private static String holder(WorkflowClient client, String workflowId, String runId) {
    try {
      WorkflowExecutionDescription d = client.newUntypedWorkflowStub(
          workflowId, Optional.ofNullable(runId), Optional.empty()).describe();
      String summary = d.getStaticSummary();
      return ", started " + (d.getStartTime() == null ? "-" : d.getStartTime().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
          + (summary == null || summary.isBlank() ? "" : ": " + summary);
    } catch (RuntimeException e) {
      return "";
    }
  }
}
