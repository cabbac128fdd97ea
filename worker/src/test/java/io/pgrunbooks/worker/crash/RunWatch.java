package io.pgrunbooks.worker.crash;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.List;

/**
 * A run as its history and DescribeWorkflowExecution show it: which activities it scheduled (in order), which
 * completed, which attempts are pending and in which state. The sweep's only clock: kill points are found here, never
 * by sleeping.
 */
final class RunWatch {
  /** An activity the run scheduled: its ActivityTaskScheduled event. */
  record Scheduled(long eventId, String activityId, String type, String taskQueue, long startToCloseSeconds,
                   long heartbeatSeconds) {}

  private final WorkflowServiceStubs service;
  private final String namespace;
  private final WorkflowExecution execution;

  RunWatch(WorkflowServiceStubs service, String namespace, WorkflowExecution execution) {
    this.service = service;
    this.namespace = namespace;
    this.execution = execution;
  }

  WorkflowExecution execution() {
    return execution;
  }

  List<HistoryEvent> history() {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse page = service.blockingStub().getWorkflowExecutionHistory(
          GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace(namespace).setExecution(execution)
              .setMaximumPageSize(1000).setNextPageToken(token).build());
      events.addAll(page.getHistory().getEventsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return events;
  }

  /** The activities scheduled so far, in history order. */
  static List<Scheduled> scheduled(List<HistoryEvent> history) {
    List<Scheduled> out = new ArrayList<>();
    for (HistoryEvent e : history) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        ActivityTaskScheduledEventAttributes a = e.getActivityTaskScheduledEventAttributes();
        out.add(new Scheduled(e.getEventId(), a.getActivityId(), a.getActivityType().getName(),
            a.getTaskQueue().getName(), a.getStartToCloseTimeout().getSeconds(), a.getHeartbeatTimeout().getSeconds()));
      }
    }
    return out;
  }

  /** Whether the activity scheduled by event {@code scheduledEventId} has an ActivityTaskCompleted event. */
  static boolean completed(List<HistoryEvent> history, long scheduledEventId) {
    return history.stream().anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
        && e.getActivityTaskCompletedEventAttributes().getScheduledEventId() == scheduledEventId);
  }

  /** Whether the activity ended (completed, failed for good, timed out for good, cancelled). */
  static boolean closed(List<HistoryEvent> history, long scheduledEventId) {
    for (HistoryEvent e : history) {
      long id = switch (e.getEventType()) {
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
        case EVENT_TYPE_ACTIVITY_TASK_FAILED -> e.getActivityTaskFailedEventAttributes().getScheduledEventId();
        case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> e.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
        case EVENT_TYPE_ACTIVITY_TASK_CANCELED -> e.getActivityTaskCanceledEventAttributes().getScheduledEventId();
        default -> -1;
      };
      if (id == scheduledEventId) {
        return true;
      }
    }
    return false;
  }

  DescribeWorkflowExecutionResponse describe() {
    return service.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(namespace).setExecution(execution).build());
  }

  static boolean running(DescribeWorkflowExecutionResponse d) {
    return d.getWorkflowExecutionInfo().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** Whether the activity with {@code activityId} has an attempt running on a worker right now. */
  static boolean started(DescribeWorkflowExecutionResponse d, String activityId) {
    return d.getPendingActivitiesList().stream().anyMatch(p -> p.getActivityId().equals(activityId)
        && p.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
  }

  static List<PendingActivityInfo> startedAttempts(DescribeWorkflowExecutionResponse d) {
    return d.getPendingActivitiesList().stream()
        .filter(p -> p.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED).toList();
  }
}
