package io.pgrunbooks.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Lines logged inside a run carry the run in their MDC, in workflow code and in activities. */
class RunMdcInterceptorTest {
  static final List<Map<String, String>> SEEN = new CopyOnWriteArrayList<>();

  /** An input shaped like the runbooks' (a record with a cluster). */
  public record Input(String cluster, String database) {}

  @WorkflowInterface
  public interface FakeBackup {
    @WorkflowMethod(name = "Backup")
    void run(Input input);
  }

  @ActivityInterface
  public interface Dumps {
    @ActivityMethod(name = "dump")
    void dump(Input input);
  }

  public static class FakeBackupImpl implements FakeBackup {
    @Override
    public void run(Input input) {
      SEEN.add(Map.copyOf(MDC.getCopyOfContextMap()));
      Workflow.newActivityStub(Dumps.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build()).dump(input);
    }
  }

  public static class DumpsImpl implements Dumps {
    @Override
    public void dump(Input input) {
      LoggerFactory.getLogger(DumpsImpl.class).info("dumping {}", input.database());
      SEEN.add(Map.copyOf(MDC.getCopyOfContextMap()));
    }
  }

  @Test
  void workflowAndActivityLinesCarryWorkflowIdRunIdRunbookClusterAndActivity() {
    SEEN.clear();
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
            .setWorkerInterceptors(new RunMdcInterceptor()).build()).build())) {
      Worker worker = env.newWorker(TaskQueues.CENTRAL);
      worker.registerWorkflowImplementationTypes(FakeBackupImpl.class);
      worker.registerActivitiesImplementations(new DumpsImpl());
      env.start();
      env.getWorkflowClient().newWorkflowStub(FakeBackup.class, WorkflowOptions.newBuilder()
          .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("backup:main:app:1")
          .setWorkflowExecutionTimeout(Duration.ofSeconds(30)).build()).run(new Input("main", "app"));
    }
    assertThat(SEEN).hasSize(2);
    Map<String, String> inWorkflow = SEEN.get(0);
    assertThat(inWorkflow).containsEntry("workflowId", "backup:main:app:1").containsEntry("runbook", "Backup")
        .containsEntry("cluster", "main").containsKey("runId").doesNotContainKey("activity");
    Map<String, String> inActivity = SEEN.get(1);
    assertThat(inActivity).containsEntry("workflowId", "backup:main:app:1").containsEntry("runbook", "Backup")
        .containsEntry("cluster", "main").containsEntry("activity", "dump")
        .containsEntry("runId", inWorkflow.get("runId"));
  }
}
