package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How much one worker process takes from one task queue at a time (section {@code worker.central} or
 * {@code worker.heavy}). A field left out keeps the queue's default ({@link #centralDefaults()},
 * {@link #heavyDefaults()}); the heavy queue has no workflows, so its workflow fields must stay unset.
 *
 * @param activitySlots activities that may run at once in this process (Temporal
 *     {@code maxConcurrentActivityExecutionSize})
 * @param workflowTaskSlots workflow tasks that may run at once ({@code maxConcurrentWorkflowTaskExecutionSize});
 *     0 on the heavy queue
 * @param activityPollers concurrent long polls for activity tasks ({@code maxConcurrentActivityTaskPollers})
 * @param workflowPollers concurrent long polls for workflow tasks ({@code maxConcurrentWorkflowTaskPollers});
 *     0 on the heavy queue
 */
public record QueueSlots(int activitySlots, int workflowTaskSlots, int activityPollers, int workflowPollers) {
  /** Upper bound of every slot count: beyond it a process runs out of threads and connections long before. */
  public static final int MAX_SLOTS = 1000;

  /**
   * The central queue: short SQL statements, approvals (waits are timers, not slots), notifications and
   * every workflow task. 100 slots of each kind are far more than a few dozen clusters keep busy.
   */
  public static QueueSlots centralDefaults() {
    return new QueueSlots(100, 100, 4, 4);
  }

  /**
   * The heavy queue: exports, uploads, dumps and restores, each of which keeps a core and a disk busy
   * for minutes to hours. Two at a time per process (a small worker has two cores); run more worker
   * processes to do more at once.
   */
  public static QueueSlots heavyDefaults() {
    return new QueueSlots(2, 0, 1, 0);
  }

  /** The YAML form: each field optional; {@link WorkerConfig} fills the gaps from the queue's defaults. */
  record Yaml(Integer activitySlots, Integer workflowTaskSlots, Integer activityPollers, Integer workflowPollers) {
    @JsonCreator
    Yaml(@JsonProperty("activitySlots") Integer activitySlots,
         @JsonProperty("workflowTaskSlots") Integer workflowTaskSlots,
         @JsonProperty("activityPollers") Integer activityPollers,
         @JsonProperty("workflowPollers") Integer workflowPollers) {
      this.activitySlots = activitySlots;
      this.workflowTaskSlots = workflowTaskSlots;
      this.activityPollers = activityPollers;
      this.workflowPollers = workflowPollers;
    }

    QueueSlots over(QueueSlots d) {
      return new QueueSlots(Copies.or(activitySlots, d.activitySlots()), Copies.or(workflowTaskSlots, d.workflowTaskSlots()),
          Copies.or(activityPollers, d.activityPollers()), Copies.or(workflowPollers, d.workflowPollers()));
    }
  }
}
