package io.pgrunbooks.workflows.replay;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.healthcheck.HealthCheckInput;
import io.pgrunbooks.workflows.healthcheck.HealthCheckResult;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflowImpl;
import io.pgrunbooks.workflows.lock.TopologyLockInput;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.worker.NonDeterministicException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay check is not a rubber stamp: a deliberately changed implementation fails on a stored history. */
class NonDeterminismIsCaughtTest {

  @Test
  void lockWithAnExtraTimerFailsToReplayTheRecordedHistory() throws Exception {
    assertCaught("TopologyLock-grant-release.json", TopologyLockWorkflowImpl.class, LockWithAnExtraTimer.class);
  }

  @Test
  void healthCheckWithAnExtraActivityCallFailsToReplayTheRecordedHistory() throws Exception {
    assertCaught("HealthCheck-healthy.json", HealthCheckWorkflowImpl.class, HealthCheckWithAnExtraActivity.class);
  }

  private static void assertCaught(String file, Class<?> recorded, Class<?> changed) throws Exception {
    WorkflowExecutionHistory history = HistoryReplay.read(HistoryScenarios.directory().resolve(file));
    // Control: the code that recorded it replays it, so the failure below is the change's doing.
    assertThatCode(() -> HistoryReplay.replay(history, List.of(recorded))).doesNotThrowAnyException();

    // The replayer reports it as a RuntimeException whose message carries the worker's exception.
    assertThatThrownBy(() -> HistoryReplay.replay(history, List.of(changed)))
        .hasMessageContaining(NonDeterministicException.class.getName())
        .hasMessageContaining("[TMPRL1100]");
  }

  /** Sleeps a second before doing what the recorded lock did. */
  public static class LockWithAnExtraTimer extends TopologyLockWorkflowImpl {
    @Override
    public void run(TopologyLockInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      super.run(input);
    }
  }

  /** Describes the cluster once more before doing what the recorded check did. */
  public static class HealthCheckWithAnExtraActivity extends HealthCheckWorkflowImpl {
    @Override
    public HealthCheckResult run(HealthCheckInput input) {
      Workflow.newActivityStub(ConfigActivities.class, ActivityOptions.newBuilder()
              .setTaskQueue(TaskQueues.CENTRAL).setStartToCloseTimeout(Duration.ofSeconds(10)).build())
          .describeCluster(new DescribeClusterInput(input.cluster()));
      return super.run(input);
    }
  }
}
