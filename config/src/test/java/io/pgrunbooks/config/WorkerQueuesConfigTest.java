package io.pgrunbooks.config;

import static io.pgrunbooks.config.ConfigErrorsTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code worker.queues}, {@code worker.central}, {@code worker.heavy}: defaults, partial settings, every mistake at once. */
class WorkerQueuesConfigTest {
  private static String config(String worker) {
    return ConfigErrorsTest.withNode2("dataDir: /d") + "worker:\n" + worker.indent(2);
  }

  @Test
  void defaultsPollBothQueuesWithTheDocumentedSlots() {
    WorkerConfig w = ConfigLoader.parse(config("metricsPort: 0"), Map.of(), "t").worker();

    assertThat(w.queues()).containsExactly("central", "heavy");
    assertThat(w.central()).isEqualTo(new QueueSlots(100, 100, 4, 4));
    assertThat(w.heavy()).isEqualTo(new QueueSlots(2, 0, 1, 0));
  }

  @Test
  void aFieldLeftOutKeepsItsQueueDefault() {
    WorkerConfig w = ConfigLoader.parse(config("""
        queues: [heavy]
        central: {activitySlots: 20}
        heavy: {activitySlots: 4}
        """), Map.of(), "t").worker();

    assertThat(w.polls("heavy")).isTrue();
    assertThat(w.polls("central")).isFalse();
    assertThat(w.central()).isEqualTo(new QueueSlots(20, 100, 4, 4));
    assertThat(w.heavy()).isEqualTo(new QueueSlots(4, 0, 1, 0));
  }

  @Test
  void everyMistakeIsReportedAtOnceWithItsPath() {
    List<String> errors = errors(config("""
        queues: [central, central, light]
        central: {activitySlots: 0, workflowTaskSlots: 2000, activityPollers: 0, workflowPollers: 1}
        heavy: {activitySlots: 2, activityPollers: 3, workflowTaskSlots: 5, workflowPollers: 2}
        """));

    assertThat(errors).containsExactly(
        "worker.queues[1]: duplicate queue central",
        "worker.queues[2]: unknown task queue \"light\" (known: central, heavy)",
        "worker.central.activitySlots: must be 1-1000, got 0",
        "worker.central.workflowTaskSlots: must be 1-1000, got 2000",
        "worker.central.activityPollers: must be at least 1, got 0",
        "worker.central.workflowPollers: must be at least 2, got 1",
        "worker.heavy.activityPollers: 3 pollers for 2 activitySlots: a poller without a free slot only waits; "
            + "use at most 2",
        "worker.heavy.workflowTaskSlots: the heavy queue runs no workflows (they all run on central); remove it",
        "worker.heavy.workflowPollers: the heavy queue runs no workflows (they all run on central); remove it");
  }

  @Test
  void anEmptyQueueListAndUnknownFieldsAreRefused() {
    assertThat(errors(config("queues: []"))).containsExactly("worker.queues: at least one of central, heavy is required");
    assertThat(errors(config("heavy: {slots: 3}")))
        .containsExactly("worker.heavy.slots: unknown field (known: activitySlots, workflowTaskSlots, activityPollers, "
            + "workflowPollers)");
  }
}
