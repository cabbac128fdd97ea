package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pgrunbooks.config.ConfigException;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.TemporalDevServer;
import io.pgrunbooks.ops.stack.TemporalDevServerOptions;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.worker.WorkerOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker's {@code worker.queues}, {@code worker.central} and {@code worker.heavy} settings reach the
 * Temporal workers the process starts (against a real dev server): which queues it polls, with which slots
 * and pollers.
 */
class WorkerQueuesTest {
  private static TemporalDevServer temporal;

  @BeforeAll
  static void startTemporal() {
    temporal = TemporalDevServer.start(TemporalDevServerOptions.headlessInMemory());
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  private static RunbooksConfig config(String worker) {
    return ConfigLoader.parse("""
        temporal: {target: '%s', namespace: '%s'}
        worker:
          metricsPort: 0
        %s
        clusters:
          main:
            nodes:
              - {name: pg1, host: 127.0.0.1, port: 5432, dataDir: /tmp/x}
        """.formatted(temporal.address(), temporal.namespace(), worker.indent(2)), Map.of(), "test.yml");
  }

  @Test
  void byDefaultTheWorkerPollsCentralAndHeavyWithTheDocumentedSlots() {
    try (WorkerProcess process = WorkerProcess.central(config(""), Map.of())) {
      WorkerOptions central = process.worker(TaskQueues.CENTRAL).getWorkerOptions();
      assertThat(central.getMaxConcurrentActivityExecutionSize()).isEqualTo(100);
      assertThat(central.getMaxConcurrentWorkflowTaskExecutionSize()).isEqualTo(100);
      assertThat(central.getMaxConcurrentActivityTaskPollers()).isEqualTo(4);
      assertThat(central.getMaxConcurrentWorkflowTaskPollers()).isEqualTo(4);
      WorkerOptions heavy = process.worker(TaskQueues.HEAVY).getWorkerOptions();
      assertThat(heavy.getMaxConcurrentActivityExecutionSize()).isEqualTo(2);
      assertThat(heavy.getMaxConcurrentActivityTaskPollers()).isEqualTo(1);
      assertThat(process.health().json()).contains("\"taskQueue\":\"pg-runbooks,pg-runbooks-heavy\"");
    }
  }

  @Test
  void configuredSlotsAndPollersReachTheWorkers() {
    RunbooksConfig cfg = config("""
        central: {activitySlots: 40, workflowTaskSlots: 30, activityPollers: 3, workflowPollers: 2}
        heavy: {activitySlots: 6, activityPollers: 2}
        """);
    try (WorkerProcess process = WorkerProcess.central(cfg, Map.of())) {
      WorkerOptions central = process.worker(TaskQueues.CENTRAL).getWorkerOptions();
      assertThat(central.getMaxConcurrentActivityExecutionSize()).isEqualTo(40);
      assertThat(central.getMaxConcurrentWorkflowTaskExecutionSize()).isEqualTo(30);
      assertThat(central.getMaxConcurrentActivityTaskPollers()).isEqualTo(3);
      assertThat(central.getMaxConcurrentWorkflowTaskPollers()).isEqualTo(2);
      WorkerOptions heavy = process.worker(TaskQueues.HEAVY).getWorkerOptions();
      assertThat(heavy.getMaxConcurrentActivityExecutionSize()).isEqualTo(6);
      assertThat(heavy.getMaxConcurrentActivityTaskPollers()).isEqualTo(2);
    }
  }

  @Test
  void aHeavyOnlyWorkerPollsNoCentralQueueAndACentralOnlyNoHeavyOne() {
    try (WorkerProcess heavyOnly = WorkerProcess.central(config("queues: [heavy]"), Map.of())) {
      assertThat(heavyOnly.worker(TaskQueues.CENTRAL)).isNull();
      assertThat(heavyOnly.worker(TaskQueues.HEAVY)).isNotNull();
      assertThat(heavyOnly.health().json()).contains("\"taskQueue\":\"pg-runbooks-heavy\"");
    }
    RunbooksConfig cfg = config("");
    RunbooksConfig centralOnly = new RunbooksConfig(cfg.temporal(), cfg.worker().withQueues(List.of("central")),
        cfg.clusters(), cfg.archive(), cfg.approvals(), cfg.notifications(), cfg.schedules(), cfg.api(), cfg.backup());
    try (WorkerProcess process = WorkerProcess.central(centralOnly, Map.of())) {
      assertThat(process.worker(TaskQueues.CENTRAL)).isNotNull();
      assertThat(process.worker(TaskQueues.HEAVY)).isNull();
    }
  }

  @Test
  void anUnknownQueueOnTheCommandLineIsRefusedBeforeConnecting() {
    RunbooksConfig cfg = config("");
    RunbooksConfig bad = new RunbooksConfig(cfg.temporal(), cfg.worker().withQueues(List.of("central", "hevy")),
        cfg.clusters(), cfg.archive(), cfg.approvals(), cfg.notifications(), cfg.schedules(), cfg.api(), cfg.backup());

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> WorkerProcess.central(bad, Map.of()));

    assertThat(e.errors()).containsExactly("--queues: unknown task queue(s) [hevy] (known: central, heavy)");
  }
}
