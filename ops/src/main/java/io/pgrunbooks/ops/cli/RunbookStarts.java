package io.pgrunbooks.ops.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowOptions;

/**
 * How a runbook run is started, shared by {@code runbooks start} and the schedules' start action so
 * a scheduled run looks like one started by hand: the contract's workflow id, task queue
 * {@code pg-runbooks}, a static summary, and the search attributes known before the run starts
 * (the run itself sets {@code RunbookTarget} and moves {@code RunbookState} on).
 */
final class RunbookStarts {
  private RunbookStarts() {}

  /** Options for a run of {@code type} with {@code input} (checked by {@link RunbookTargets#checkRequired}). */
  static WorkflowOptions options(String type, ObjectNode input, String workflowId) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(TaskQueues.CENTRAL)
        .setStaticSummary(summary(type, input))
        .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
            .set(SearchAttributes.TYPE, type)
            .set(SearchAttributes.CLUSTER, input.path("cluster").asText())
            .set(SearchAttributes.STATE, RunbookState.RUNNING.name())
            .set(SearchAttributes.DRY_RUN, input.path("dryRun").asBoolean(false))
            .build())
        .build();
  }

  /** "HealthCheck of main (dry run), requested by alice: weekly check". */
  static String summary(String type, ObjectNode input) {
    StringBuilder s = new StringBuilder(type).append(" of ").append(RunbookTargets.describe(type, input));
    if (input.path("dryRun").asBoolean(false)) {
      s.append(" (dry run)");
    }
    String who = input.path("requestedBy").asText("");
    if (!who.isBlank()) {
      s.append(", requested by ").append(who);
    }
    String why = input.path("reason").asText("");
    if (!why.isBlank()) {
      s.append(": ").append(why);
    }
    return s.toString();
  }
}
