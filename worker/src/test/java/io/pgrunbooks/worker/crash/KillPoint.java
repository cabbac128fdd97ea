package io.pgrunbooks.worker.crash;

import io.pgrunbooks.workflows.common.TaskQueues;

/**
 * Where a replay of a runbook is crashed: the {@code ordinal}-th activity the clean run scheduled (0-based, in history
 * order), and when relative to it.
 *
 * @param activityType the activity type the clean run scheduled at this ordinal (a replay that schedules another type
 *     there diverged, and says so)
 * @param taskQueue the queue it ran on: the central worker's, or a node agent's ({@code pg-runbooks-node-<node>})
 */
record KillPoint(int ordinal, String activityType, String taskQueue, Phase phase) {

  /**
   * Relative to the activity: its ActivityTaskScheduled event; its attempt pending STARTED; its method returned (the
   * side effect is done) but the process dies before reporting it; its ActivityTaskCompleted event.
   */
  enum Phase { BEFORE, DURING, COMPLETING, AFTER }

  /** The node whose agent runs this activity, or null for the central worker. */
  String agentNode() {
    String prefix = TaskQueues.node("");
    return taskQueue.startsWith(prefix) ? taskQueue.substring(prefix.length()) : null;
  }

  /** The process a crash at this point kills: {@code worker} or {@code agent-<node>}. */
  String victim() {
    return agentNode() == null ? "worker" : "agent-" + agentNode();
  }

  String label() {
    return String.format("#%02d %s %s (%s)", ordinal + 1, phase.name().toLowerCase(), activityType, victim());
  }
}
