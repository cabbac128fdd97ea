package io.pgrunbooks.workflows.createindex;

import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Activity options of the index runbooks: short SQL reads, one long heartbeated build, the node agent. */
final class IndexActivityOptions {
  private IndexActivityOptions() {}

  static final ActivityOptions SQL = ActivityOptions.newBuilder()
      .setTaskQueue(TaskQueues.CENTRAL)
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setScheduleToCloseTimeout(Duration.ofMinutes(20))
      .setRetryOptions(RetryOptions.newBuilder()
          .setMaximumInterval(Duration.ofSeconds(30))
          .setDoNotRetry(FailureTypes.NON_RETRYABLE)
          .build())
      .build();

  /** A crashed worker is noticed by the missing heartbeat; the retry cleans up the attempt it left. */
  static final ActivityOptions BUILD = ActivityOptions.newBuilder()
      .setTaskQueue(TaskQueues.CENTRAL)
      .setStartToCloseTimeout(Duration.ofHours(12))
      .setHeartbeatTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(5)
          .setDoNotRetry(FailureTypes.NON_RETRYABLE)
          .build())
      .build();

  static NodeActivities agent(String node) {
    return Workflow.newActivityStub(NodeActivities.class, ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.node(node))
        .setScheduleToStartTimeout(Duration.ofMinutes(2))
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
        .build());
  }
}
