package io.pgrunbooks.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.config.CronCalendar;
import io.pgrunbooks.config.Durations;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleAction;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.SchedulePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What differs between the schedule the config wants and the one Temporal has: spec (as calendar
 * values, however the server wrote the ranges), the start action (workflow type, id, task queue,
 * summary, details, input) and the policies. Paused state and notes are not compared: pausing is an operator's
 * decision (or the schedule's own, after a failure) that re-applying must not undo.
 */
final class ScheduleDiff {
  private ScheduleDiff() {}

  /** One "field: old -> new" line per difference; empty when the schedule is as wanted. */
  static List<String> changes(Schedule wanted, Schedule actual) {
    List<String> out = new ArrayList<>();
    CronCalendar want = ScheduleCalendars.of(wanted.getSpec());
    CronCalendar have = ScheduleCalendars.of(actual.getSpec());
    if (!Objects.equals(want, have)) {
      out.add("spec: " + ScheduleCalendars.describe(actual.getSpec()) + " -> " + want.toCron());
    }
    compare("jitter", duration(ScheduleCalendars.jitter(actual.getSpec())),
        duration(ScheduleCalendars.jitter(wanted.getSpec())), out);
    action((ScheduleActionStartWorkflow) wanted.getAction(), actual.getAction(), out);
    SchedulePolicy w = wanted.getPolicy();
    SchedulePolicy a = actual.getPolicy() == null ? SchedulePolicy.newBuilder().build() : actual.getPolicy();
    compare("overlap", RunbookSchedules.overlapName(a.getOverlap()), RunbookSchedules.overlapName(w.getOverlap()), out);
    compare("catchupWindow", duration(a.getCatchupWindow()), duration(w.getCatchupWindow()), out);
    compare("pauseOnFailure", a.isPauseOnFailure(), w.isPauseOnFailure(), out);
    return out;
  }

  private static void action(ScheduleActionStartWorkflow want, ScheduleAction actual, List<String> out) {
    if (!(actual instanceof ScheduleActionStartWorkflow have)) {
      out.add("action: " + (actual == null ? "none" : actual.getClass().getSimpleName()) + " -> start workflow");
      return;
    }
    compare("workflow type", have.getWorkflowType(), want.getWorkflowType(), out);
    WorkflowOptions w = want.getOptions();
    WorkflowOptions h = have.getOptions();
    compare("workflow id", h == null ? null : h.getWorkflowId(), w.getWorkflowId(), out);
    compare("task queue", h == null ? null : h.getTaskQueue(), w.getTaskQueue(), out);
    compare("summary", h == null ? null : h.getStaticSummary(), w.getStaticSummary(), out);
    compare("details", h == null ? null : h.getStaticDetails(), w.getStaticDetails(), out);
    JsonNode wantInput = RunbookSchedules.arguments(want);
    JsonNode haveInput = RunbookSchedules.arguments(have);
    // JSON equality, not text: the order of the keys in the config does not matter.
    if (!Objects.equals(haveInput, wantInput)) {
      out.add("input: " + haveInput + " -> " + wantInput);
    }
  }

  private static String duration(Duration d) {
    return d == null ? "-" : Durations.format(d);
  }

  private static void compare(String field, Object actual, Object wanted, List<String> out) {
    if (!Objects.equals(actual, wanted)) {
      out.add(field + ": " + actual + " -> " + wanted);
    }
  }
}
