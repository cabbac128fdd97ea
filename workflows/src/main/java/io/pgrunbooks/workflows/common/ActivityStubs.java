package io.pgrunbooks.workflows.common;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * The one way runbooks declare activity options: which queue (central worker or a node's agent), how
 * long an attempt may take, how it proves it is alive, and its retry budget. Every retry policy made here
 * stops at the project's non-retryable failure types ({@link FailureTypes#NON_RETRYABLE}), so a bad input
 * or a safety refusal is never retried, whatever the step.
 *
 * <pre>{@code
 * ActivityOptions sql = ActivityStubs.central(Duration.ofMinutes(5))
 *     .retry(ActivityStubs.retry(6, Duration.ofSeconds(1), Duration.ofSeconds(15)))
 *     .build();
 * }</pre>
 */
public final class ActivityStubs {
  private ActivityStubs() {}

  /** Options for an activity of the central worker (task queue {@link TaskQueues#CENTRAL}). */
  public static Options central(Duration startToClose) {
    return new Options(ActivityOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL), startToClose);
  }

  /** Options for a host-local activity on the node agent of {@code node}. */
  public static Options onNode(String node, Duration startToClose) {
    return new Options(ActivityOptions.newBuilder().setTaskQueue(TaskQueues.node(node)), startToClose);
  }

  /**
   * Options without a task queue: per-method overrides merged into a stub's options (the stub's queue
   * stays), as {@code Workflow.newActivityStub(cls, options, Map.of("Method", override))} does.
   */
  public static Options override(Duration startToClose) {
    return new Options(ActivityOptions.newBuilder(), startToClose);
  }

  /**
   * A bounded retry policy: {@code maxAttempts} attempts (0: no limit) with exponential backoff from
   * {@code initial} up to {@code maxInterval}; never retries {@link FailureTypes#NON_RETRYABLE}.
   */
  public static RetryOptions retry(int maxAttempts, Duration initial, Duration maxInterval) {
    return RetryOptions.newBuilder()
        .setInitialInterval(initial)
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(maxInterval)
        .setMaximumAttempts(maxAttempts)
        .setDoNotRetry(FailureTypes.NON_RETRYABLE)
        .build();
  }

  /** Temporal's default backoff (1 s doubling to 100 s) without an attempt limit, minus the non-retryable types. */
  public static RetryOptions untilDone() {
    return RetryOptions.newBuilder().setDoNotRetry(FailureTypes.NON_RETRYABLE).build();
  }

  /** {@code options} on the heavy queue {@link TaskQueues#HEAVY} instead of their own (see {@link HeavyQueue}). */
  public static ActivityOptions onHeavyQueue(ActivityOptions options) {
    return ActivityOptions.newBuilder(options).setTaskQueue(TaskQueues.HEAVY).build();
  }

  /** A stub of {@code activities} with {@code options}. */
  public static <T> T stub(Class<T> activities, ActivityOptions options) {
    return Workflow.newActivityStub(activities, options);
  }

  /** A stub of {@code activities} with {@code options} and per-method overrides (by activity type name). */
  public static <T> T stub(Class<T> activities, ActivityOptions options, Map<String, ActivityOptions> perMethod) {
    return Workflow.newActivityStub(activities, options, perMethod);
  }

  /** Builder of one stub's options; {@link #build()} gives the SDK's immutable {@link ActivityOptions}. */
  public static final class Options {
    private final ActivityOptions.Builder builder;

    private Options(ActivityOptions.Builder builder, Duration startToClose) {
      this.builder = builder.setStartToCloseTimeout(startToClose);
    }

    /** A long attempt heartbeats; a worker that died is noticed within {@code timeout}. */
    public Options heartbeat(Duration timeout) {
      builder.setHeartbeatTimeout(timeout);
      return this;
    }

    /** How long a task may wait for a worker (an agent that is down must not hold the run forever). */
    public Options scheduleToStart(Duration timeout) {
      builder.setScheduleToStartTimeout(timeout);
      return this;
    }

    /** The budget of all attempts together. */
    public Options scheduleToClose(Duration timeout) {
      builder.setScheduleToCloseTimeout(timeout);
      return this;
    }

    /** The retry policy ({@link ActivityStubs#retry} or {@link ActivityStubs#untilDone}). */
    public Options retry(RetryOptions retry) {
      builder.setRetryOptions(retry);
      return this;
    }

    /** A cancelled attempt is awaited until it stopped (e.g. a scratch database dropped only after pg_restore ended). */
    public Options waitForCancellation() {
      builder.setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
      return this;
    }

    public ActivityOptions build() {
      return builder.build();
    }
  }
}
