package io.pgrunbooks.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.config.Durations;
import io.pgrunbooks.config.ScheduleConfig;
import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.client.RunStarts;
import io.pgrunbooks.client.RunbookCatalog;
import io.pgrunbooks.client.RunbookTargets;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleState;
import java.util.Locale;
import java.util.Map;

/**
 * The Temporal Schedule a {@code schedules} entry of the config stands for: its calendar (the cron
 * moved by {@code startEarly}), a start action made like {@code runbooks start} makes a run (the
 * contract's by-hand id, to which Temporal appends the scheduled time), and its policies. Schedules
 * created here carry the memo {@value #MANAGED_BY_KEY}={@value #MANAGED_BY}, so pruning never
 * touches schedules someone else created.
 */
final class RunbookSchedules {
  static final String MANAGED_BY_KEY = "managedBy";
  static final String MANAGED_BY = "pg-runbooks";

  private RunbookSchedules() {}

  /** The input of a schedule entry as the JSON object the run gets. */
  static ObjectNode input(ScheduleConfig s) {
    ObjectNode input = DataConverters.objectMapper().valueToTree(s.input());
    // Started early, a run must still act at the cron time: its window opens startEarly after the start.
    if (startsEarly(s) && waitsForWindow(s.workflowType()) && !input.has("window")) {
      input.put("window", s.startEarly().toString());
    }
    return input;
  }

  /**
   * Refuses (exit 2), naming the config path, an entry whose input the runbook would refuse (unknown
   * fields, wrong types, missing targets), or that starts early a runbook with no window to wait for.
   */
  static void checkInput(ScheduleConfig s, int index) {
    String path = "schedules[" + index + "] (" + s.id() + ")";
    if (startsEarly(s) && !waitsForWindow(s.workflowType())) {
      throw new CliFailure(ExitCodes.USAGE, path + ".startEarly: " + s.workflowType() + " has no window input to "
          + "wait for, so starting it early would only run it early; remove startEarly or change the cron");
    }
    try {
      RunbookCatalog.validate(s.workflowType(), input(s));
      RunbookTargets.workflowId(s.workflowType(), input(s));
    } catch (InputProblem f) {
      throw new CliFailure(ExitCodes.USAGE, path + ".input: " + f.getMessage());
    }
  }

  private static boolean startsEarly(ScheduleConfig s) {
    return s.startEarly() != null && !s.startEarly().isZero();
  }

  /** Whether the runbook's input has a {@code window} it waits for (FailoverDrill). */
  private static boolean waitsForWindow(String workflowType) {
    RunbookCatalog.Entry entry = RunbookCatalog.get(workflowType);
    return entry != null && entry.fields().stream().anyMatch(f -> f.name().equals("window"));
  }

  static Schedule schedule(ScheduleConfig s) {
    ObjectNode input = input(s);
    return Schedule.newBuilder()
        .setSpec(ScheduleCalendars.spec(s.calendar(), s.jitter()))
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(s.workflowType())
            .setOptions(WorkflowOptions.newBuilder(
                    RunStarts.options(s.workflowType(), input, RunbookTargets.workflowId(s.workflowType(), input)))
                // Also needed because SDK 1.38 cannot describe a schedule whose action has a summary but no details.
                .setStaticDetails(details(s))
                .build())
            .setArguments(input)
            .build())
        .setPolicy(SchedulePolicy.newBuilder()
            .setOverlap(overlap(s.overlap()))
            .setCatchupWindow(s.catchupWindow())
            .setPauseOnFailure(s.pauseOnFailure())
            .build())
        .setState(ScheduleState.newBuilder().setPaused(false).build())
        .build();
  }

  /** Markdown static details of a scheduled run: which schedule started it and when it fires. */
  static String details(ScheduleConfig s) {
    return "Started by schedule `" + s.id() + "` (`runbooks schedules apply`): cron `" + s.cron() + "` UTC"
        + (s.startEarly() == null ? "" : ", started " + Durations.format(s.startEarly()) + " early (at `"
        + s.calendar().toCron() + "`) so its approvals can be collected in time")
        + (s.pauseOnFailure() ? "; a failed run pauses the schedule" : "") + ".";
  }

  static ScheduleOptions options() {
    return ScheduleOptions.newBuilder().setMemo(Map.of(MANAGED_BY_KEY, MANAGED_BY)).build();
  }

  /** "skip" to SCHEDULE_OVERLAP_POLICY_SKIP, "buffer-one" to ..._BUFFER_ONE. */
  static ScheduleOverlapPolicy overlap(String policy) {
    return ScheduleOverlapPolicy.valueOf("SCHEDULE_OVERLAP_POLICY_" + policy.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** "buffer-one" back from SCHEDULE_OVERLAP_POLICY_BUFFER_ONE. */
  static String overlapName(ScheduleOverlapPolicy policy) {
    return policy == null ? "-"
        : policy.name().replace("SCHEDULE_OVERLAP_POLICY_", "").replace('_', '-').toLowerCase(Locale.ROOT);
  }

  static boolean managed(ScheduleDescription d) {
    return MANAGED_BY.equals(memo(() -> d.getMemo(MANAGED_BY_KEY, String.class)));
  }

  static boolean managed(ScheduleListDescription d) {
    return MANAGED_BY.equals(memo(() -> d.getMemo(MANAGED_BY_KEY, String.class)));
  }

  /** The first argument of a described start action, as JSON (null when there is none). */
  static JsonNode arguments(ScheduleActionStartWorkflow action) {
    if (action.getArguments() == null || action.getArguments().getSize() == 0) {
      return null;
    }
    return action.getArguments().get(0, JsonNode.class);
  }

  private static Object memo(java.util.function.Supplier<Object> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      return null; // no such memo field, or not a string: not ours
    }
  }
}
