package io.pgrunbooks.ops.cli;

import io.pgrunbooks.client.PlainWords;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runbooks schedules list}: the namespace's schedules with their next runs and last result. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List the Temporal Schedules: id, workflow type, spec (cron fields, UTC; day-of-month AND "
        + "day-of-week), paused state, the next 3 run times and the last run's result.",
        "Schedules not created by `runbooks schedules apply` are marked (not from config); --all shows them too."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {"0:listed", "3:namespace not found or Temporal unreachable"})
final class SchedulesListCommand extends TemporalCommand {
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @Option(names = "--all", description = "Also list schedules not created by `runbooks schedules apply`.")
  boolean all;

  @Mixin
  OutputOptions output;

  /** One schedule as listed; {@code -o json|yaml} prints these. */
  record Row(String id, boolean fromConfig, String workflowType, String spec, String state, List<String> nextRuns,
             String lastResult) {
    List<String> cells() {
      return List.of(id + (fromConfig ? "" : " (not from config)"), workflowType, spec, state, String.join(", ", nextRuns),
          lastResult);
    }
  }

  @Override
  int run(TemporalSession session) {
    var schedules = session.schedules();
    List<ScheduleListDescription> found = new ArrayList<>(schedules.listSchedules()
        .filter(d -> all || RunbookSchedules.managed(d)).toList());
    found.sort(Comparator.comparing(ScheduleListDescription::getScheduleId));
    if (found.isEmpty() && !output.structured()) {
      out().println("no schedules" + (all ? "" : " created by `runbooks schedules apply` (--all lists the others)")
          + " in namespace " + temporal.namespace);
      return ExitCodes.OK;
    }
    List<Row> rows = new ArrayList<>();
    for (ScheduleListDescription entry : found) {
      try {
        ScheduleDescription d = ScheduleSync.describeOrNull(schedules.getHandle(entry.getScheduleId()));
        if (d != null) {
          rows.add(row(session.client, d));
        }
      } catch (RuntimeException e) {
        // e.g. SDK 1.38 cannot decode an action with a summary but no details (set by another tool)
        rows.add(new Row(entry.getScheduleId(), RunbookSchedules.managed(entry), "-",
            ScheduleCalendars.describe(entry.getSchedule().getSpec()), "-", List.of(),
            "cannot describe: " + PlainWords.failure(e)));
      }
    }
    if (output.structured()) {
      out().println(output.render(rows));
      return ExitCodes.OK;
    }
    Text.table(List.of("ID", "WORKFLOW TYPE", "SPEC (UTC)", "STATE", "NEXT RUNS (UTC)", "LAST RESULT"),
            rows.stream().map(Row::cells).toList())
        .forEach(out()::println);
    return ExitCodes.OK;
  }

  private static Row row(WorkflowClient client, ScheduleDescription d) {
    String type = d.getSchedule().getAction() instanceof ScheduleActionStartWorkflow a ? a.getWorkflowType() : "-";
    ScheduleState state = d.getSchedule().getState();
    String paused = state != null && state.isPaused()
        ? "paused" + (state.getNote() == null || state.getNote().isBlank() ? "" : " (" + state.getNote() + ")")
        : "active";
    List<String> next = d.getInfo().getNextActionTimes().stream().limit(3).map(MINUTE::format).toList();
    return new Row(d.getId(), RunbookSchedules.managed(d), type, ScheduleCalendars.describe(d.getSchedule().getSpec()),
        paused, next, lastResult(client, d.getInfo().getRecentActions()));
  }

  /** "2026-11-22 06:00 COMPLETED", "... RUNNING (AWAITING_APPROVAL)", or "never ran". */
  private static String lastResult(WorkflowClient client, List<ScheduleActionResult> recent) {
    if (recent == null || recent.isEmpty()) {
      return "never ran";
    }
    ScheduleActionResult last = recent.stream().max(Comparator.comparing(ScheduleActionResult::getScheduledAt)).get();
    String when = MINUTE.format(Optional.ofNullable(last.getScheduledAt()).orElse(Instant.EPOCH));
    if (!(last.getAction() instanceof ScheduleActionExecutionStartWorkflow run)) {
      return when;
    }
    try {
      WorkflowExecutionDescription w = client.newUntypedWorkflowStub(run.getWorkflowId(),
          Optional.ofNullable(run.getFirstExecutionRunId()), Optional.empty()).describe();
      String status = w.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
      String runbookState = w.getTypedSearchAttributes().get(SearchAttributes.STATE);
      return when + " " + status + (runbookState == null || runbookState.equals(status) ? "" : " (" + runbookState + ")")
          + " " + run.getWorkflowId();
    } catch (RuntimeException e) {
      return when + " " + run.getWorkflowId() + " (" + PlainWords.failure(e) + ")";
    }
  }
}
