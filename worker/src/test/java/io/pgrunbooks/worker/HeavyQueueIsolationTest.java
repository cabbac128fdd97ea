package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.config.QueueSlots;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.pgrunbooks.workflows.archivepartition.ArchiveFakes;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflow;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflowImpl;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.HealthCheckPaths;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: a big archive never starves the central queue. Exports that hold every heavy slot (and are more
 * than the central queue has activity slots) do not delay a HealthCheck: its activities run on the central
 * queue's own slots. Workers made with the worker's own {@link Wiring#options}, in the in-memory Temporal in
 * real time (no time skipping: the exports really block).
 */
class HeavyQueueIsolationTest {
  private static final QueueSlots CENTRAL = new QueueSlots(2, 10, 1, 2);
  private static final QueueSlots HEAVY = QueueSlots.heavyDefaults();
  private static final int ARCHIVES = 3;

  @Test
  void exportsHoldingEveryHeavySlotDoNotDelayAHealthCheck() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .setUseTimeskipping(false)
        .build())) {
      TestEnvironments.registerSearchAttributes(env);
      Worker central = env.newWorker(TaskQueues.CENTRAL, Wiring.options(CENTRAL, true));
      HealthCheckPaths.registerHealthy(env, central);
      ArchiveFakes fakes = new ArchiveFakes();
      Object[] archive = fakes.activities();
      central.registerWorkflowImplementationTypes(ArchivePartitionWorkflowImpl.class);
      // Catalog SQL, manifest writes and approvals stay central; notifications and reports are HealthCheck's fakes.
      central.registerActivitiesImplementations(archive[0], archive[1], fakes.approvals);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger exporting = new AtomicInteger();
      Worker heavy = env.newWorker(TaskQueues.HEAVY, Wiring.options(HEAVY, false));
      heavy.registerActivitiesImplementations(blockingExports((PostgresArchiveActivities) archive[0], exporting, release),
          archive[1]);
      env.start();

      List<WorkflowExecution> archives = new ArrayList<>();
      for (int i = 0; i < ARCHIVES; i++) {
        ArchivePartitionWorkflow run = env.getWorkflowClient().newWorkflowStub(ArchivePartitionWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("archive-" + i)
                .setWorkflowRunTimeout(Duration.ofMinutes(10)).build());
        archives.add(WorkflowClient.start(run::run, new ArchivePartitionInput("main", "app", ArchiveFakes.PARTITION,
            null, false, null, false, "partition-maintenance", "monthly archive")));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (exporting.get() < HEAVY.activitySlots() || pendingExports(env, archives) < ARCHIVES) {
        assertThat(System.nanoTime()).as("every archive reached its export, the heavy slots full").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(ARCHIVES).as("more exports than the central queue has activity slots")
          .isGreaterThan(CENTRAL.activitySlots());

      long started = System.nanoTime();
      HealthCheckPaths.runHealthy(env);
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(took).as("HealthCheck while every heavy slot is taken").isLessThan(Duration.ofSeconds(10));
      assertThat(release.getCount()).as("the exports still block").isOne();
      assertThat(exporting.get()).as("exports running: the heavy slots, no more").isEqualTo(HEAVY.activitySlots());
      assertThat(pendingExports(env, archives)).isEqualTo(ARCHIVES);
      System.out.printf("HealthCheck took %d ms with %d exports pending on %s (%d running)%n", took.toMillis(),
          ARCHIVES, TaskQueues.HEAVY, exporting.get());
      release.countDown();
      for (WorkflowExecution e : archives) {
        env.getWorkflowClient().newUntypedWorkflowStub(e.getWorkflowId()).terminate("test over");
      }
    }
  }

  /** Runs whose pending activity is the export, scheduled on the heavy queue. */
  private static int pendingExports(TestWorkflowEnvironment env, List<WorkflowExecution> runs) {
    int n = 0;
    for (WorkflowExecution e : runs) {
      List<PendingActivityInfo> pending = env.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace(env.getNamespace()).setExecution(e).build())
          .getPendingActivitiesList();
      if (pending.stream().anyMatch(a -> a.getActivityType().getName().equals("ExportPartition"))) {
        n++;
      }
    }
    return n;
  }

  /** {@code fake} whose exports wait for {@code release}, counting those that started. */
  private static PostgresArchiveActivities blockingExports(PostgresArchiveActivities fake, AtomicInteger exporting,
                                                          CountDownLatch release) {
    return (PostgresArchiveActivities) Proxy.newProxyInstance(PostgresArchiveActivities.class.getClassLoader(),
        new Class<?>[] {PostgresArchiveActivities.class}, (proxy, method, args) -> {
          if (method.getName().equals("exportPartition")) {
            exporting.incrementAndGet();
            release.await();
          }
          try {
            return method.invoke(fake, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
