package io.pgrunbooks.workflows.common;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;

/**
 * Which queue a run sends its heavy activities to. Runs started before the heavy queue existed recorded
 * them as tasks of {@link TaskQueues#CENTRAL}; replaying them must schedule the same commands, so the
 * switch goes through {@code Workflow.getVersion(}{@value #CHANGE}{@code )}: such runs keep the central
 * queue, runs started since use {@link TaskQueues#HEAVY}.
 *
 * <p>Call {@link #used()} right where the first heavy activity is scheduled (it records its marker there).
 */
public final class HeavyQueue {
  /** getVersion change id: heavy activities moved from the central queue to {@link TaskQueues#HEAVY}. */
  public static final String CHANGE = "heavy-task-queue";

  private HeavyQueue() {}

  /** Whether this run schedules its heavy activities on {@link TaskQueues#HEAVY} (workflow code only). */
  public static boolean used() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** {@code options} on the heavy queue instead of their own. */
  public static ActivityOptions on(ActivityOptions options) {
    return ActivityStubs.onHeavyQueue(options);
  }
}
