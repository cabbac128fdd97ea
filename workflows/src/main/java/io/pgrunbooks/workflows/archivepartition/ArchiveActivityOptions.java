package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Activity options of the archive and restore runbooks, declared once. */
public final class ArchiveActivityOptions {
  private ArchiveActivityOptions() {}

  /** Catalog reads, detach, attach, drop: short statements under their own lock_timeout. */
  public static final ActivityOptions SQL = ActivityOptions.newBuilder()
      .setTaskQueue(TaskQueues.CENTRAL)
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(15))
          .setMaximumAttempts(6)
          .setDoNotRetry(FailureTypes.NON_RETRYABLE)
          .build())
      .build();

  /**
   * Streams (export, verify, restore): long, so they heartbeat; a worker that dies is noticed within the
   * heartbeat timeout and another one starts over. Five attempts with backoff are the retry budget for an
   * unavailable store; past it the run fails and re-attaches the partition.
   */
  public static final ActivityOptions STREAM = ActivityOptions.newBuilder()
      .setTaskQueue(TaskQueues.CENTRAL)
      .setStartToCloseTimeout(Duration.ofHours(12))
      .setHeartbeatTimeout(Duration.ofSeconds(20))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(5)
          .setDoNotRetry(FailureTypes.NON_RETRYABLE)
          .build())
      .build();
}
