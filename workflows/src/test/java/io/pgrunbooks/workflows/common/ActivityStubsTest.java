package io.pgrunbooks.workflows.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActivityStubsTest {
  @Test
  void everyRetryPolicyStopsAtTheNonRetryableFailureTypes() {
    RetryOptions bounded = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertThat(bounded.getDoNotRetry()).containsExactlyInAnyOrder(FailureTypes.NON_RETRYABLE);
    assertThat(bounded.getMaximumAttempts()).isEqualTo(5);
    assertThat(bounded.getInitialInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(bounded.getMaximumInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ActivityStubs.untilDone().getDoNotRetry()).containsExactlyInAnyOrder(FailureTypes.NON_RETRYABLE);
    assertThat(ActivityStubs.untilDone().getMaximumAttempts()).isZero();
  }

  @Test
  void nodeStubsRunOnTheAgentsQueueAndOverridesKeepTheStubsQueue() {
    ActivityOptions agent = ActivityStubs.onNode("pg2", Duration.ofHours(6))
        .scheduleToStart(Duration.ofSeconds(30)).heartbeat(Duration.ofSeconds(20)).waitForCancellation().build();
    assertThat(agent.getTaskQueue()).isEqualTo(TaskQueues.node("pg2"));
    assertThat(agent.getStartToCloseTimeout()).isEqualTo(Duration.ofHours(6));
    assertThat(agent.getScheduleToStartTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(agent.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(agent.getCancellationType()).isEqualTo(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    assertThat(ActivityStubs.central(Duration.ofMinutes(2)).build().getTaskQueue()).isEqualTo(TaskQueues.CENTRAL);
    assertThat(ActivityStubs.override(Duration.ofHours(2)).build().getTaskQueue()).isNull();
    assertThat(ActivityStubs.override(Duration.ofHours(2)).build().getRetryOptions()).isNull();
  }
}
