package io.pgrunbooks.ops.cli;

import io.pgrunbooks.client.RunViews;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runbooks status}: the run as Temporal describes it plus its {@code progress} query (state,
 * steps, pending approvals with the commands to decide them); for a closed run, its report or failure.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show a run: state, current step, steps, pending approvals with the commands to approve or "
        + "reject them; for a closed run its report summary or its failure.",
        "Shows the latest run of the workflow id."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:shown (whatever the run's state)",
        "2:bad usage",
        "3:no such workflow, namespace not found, or Temporal unreachable"})
final class StatusCommand extends TemporalCommand {
  private static final int LOG_LINES = 10;

  @Parameters(index = "0", paramLabel = "<workflowId>")
  String workflowId;

  @Mixin
  OutputOptions output;

  @Override
  int run(TemporalSession session) throws JsonProcessingException {
    ObjectNode view = view(session.client, workflowId, temporal);
    if (output.structured()) {
      out().println(output.render(view));
    } else {
      print(view);
    }
    return ExitCodes.OK;
  }

  /** Everything {@code status} knows about the latest run of {@code id} (see {@link RunViews#view}). */
  static ObjectNode view(WorkflowClient client, String id, TemporalOptions temporal) {
    return RunViews.view(client, id, temporal.uiLink(id));
  }

  private void print(ObjectNode v) {
    String id = v.path("workflowId").asText();
    out().println(id + "  " + v.path("type").asText() + "  (Temporal: " + v.path("temporalStatus").asText() + ")");
    line("run id", v.path("runId").asText());
    line("summary", v.path("summary").asText(null));
    line("started", time(v.path("startTime")));
    if (!v.path("closeTime").isNull()) {
      line("closed", time(v.path("closeTime")));
    }
    line("state", v.path("state").asText(null));
    if (v.path("temporalStatus").asText().equals("RUNNING")) {
      line("current step", v.path("currentStep").asText(null));
    }
    line("Temporal UI", v.path("uiUrl").asText());
    if (v.hasNonNull("progressError")) {
      out().println("  warning: " + v.path("progressError").asText());
    }

    JsonNode steps = v.path("steps");
    if (steps.size() > 0) {
      out().println();
      out().println("Steps:");
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode s : steps) {
        rows.add(List.of(s.path("name").asText(), s.path("status").asText(), time(s.path("start")),
            time(s.path("end")), s.path("detail").asText("")));
      }
      Text.table(List.of("STEP", "STATUS", "START", "END", "DETAIL"), rows).forEach(l -> out().println("  " + l));
    }

    JsonNode pending = v.path("pendingApprovals");
    if (pending.size() > 0) {
      out().println();
      out().println("Pending approvals (" + pending.size() + "):");
      for (JsonNode p : pending) {
        printPending(id, p);
      }
    }

    JsonNode report = v.path("report");
    if (!report.isObject() && v.path("approvals").size() > 0) {
      out().println();
      out().println("Decisions so far:");
      v.path("approvals").forEach(this::printDecision);
    }

    JsonNode log = v.path("log");
    if (log.size() > 0) {
      out().println();
      out().println("Log" + (log.size() > LOG_LINES ? " (last " + LOG_LINES + " of " + log.size() + ")" : "") + ":");
      for (int i = Math.max(0, log.size() - LOG_LINES); i < log.size(); i++) {
        out().println("  " + log.get(i).asText());
      }
    }

    if (report.isObject()) {
      out().println();
      out().println("Result: " + report.path("outcome").asText()
          + (report.path("dryRun").asBoolean() ? " (dry run)" : ""));
      out().println("  summary: " + report.path("summary").asText(""));
      v.path("approvals").forEach(this::printDecision);
      for (JsonNode c : report.path("changes")) {
        out().println("  changed: " + c.asText());
      }
    }
    if (v.hasNonNull("failure")) {
      out().println();
      out().println("Failed: " + v.path("failure").asText());
    }
  }

  private void printDecision(JsonNode a) {
    out().println("  decision: " + a.path("decision").asText() + " of " + a.path("requestId").asText()
        + (a.hasNonNull("approver") ? " by " + a.path("approver").asText() : "") + " at " + time(a.path("at"))
        + (a.hasNonNull("comment") ? " (" + a.path("comment").asText() + ")" : ""));
  }

  private void printPending(String id, JsonNode p) {
    String requestId = p.path("requestId").asText();
    out().println("  " + requestId + ": " + p.path("action").asText()
        + (p.hasNonNull("target") ? " on " + p.path("target").asText() : ""));
    List<String> evidence = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : p.path("evidence").properties()) {
      evidence.add(e.getKey() + "=" + e.getValue().asText());
    }
    if (!evidence.isEmpty()) {
      out().println("    evidence:   " + String.join(", ", evidence));
    }
    List<String> approvedBy = new ArrayList<>();
    p.path("approvedBy").forEach(n -> approvedBy.add(n.asText()));
    List<String> roles = new ArrayList<>();
    p.path("roles").forEach(n -> roles.add(n.asText()));
    out().println("    approvals:  " + approvedBy.size() + " of " + p.path("approvalsNeeded").asInt(1)
        + (approvedBy.isEmpty() ? "" : " (approved by " + String.join(", ", approvedBy) + ")")
        + (roles.isEmpty() ? "" : "; roles allowed: " + String.join(", ", roles)));
    if (p.hasNonNull("deadline")) {
      out().println("    deadline:   " + time(p.path("deadline")) + timeLeft(p.path("deadline").asText()));
    }
    if (p.hasNonNull("planDigest")) {
      out().println("    plan:       digest " + p.path("planDigest").asText()
          + " (an approval counts only while the plan is unchanged)");
    }
    List<String> listed = new ArrayList<>();
    p.path("howToApprove").forEach(n -> listed.add(n.asText()));
    List<String> how = listed.isEmpty() ? commands(id, requestId) : listed;
    out().println("    to decide:");
    how.forEach(c -> out().println("      " + c));
    String conn = temporal.connectionArgs();
    if (!conn.isEmpty()) {
      out().println("      (Temporal here is not the default: add" + conn + " to these commands)");
    }
  }

  /** The commands that decide a request, for runs that do not list their own. */
  private static List<String> commands(String id, String requestId) {
    String target = Shell.quote(id) + " --request " + Shell.quote(requestId);
    String signalInput = "{\"requestId\": \"" + requestId + "\", \"approver\": \"<name>\"}";
    return List.of(
        "runbooks approve " + target + " --as <name>",
        "runbooks reject " + target + " --as <name> --comment '<why>'",
        "temporal workflow signal --workflow-id " + Shell.quote(id) + " --name approve --input "
            + Shell.quote(signalInput));
  }

  private static String timeLeft(String deadline) {
    try {
      Duration left = Duration.between(Instant.now(), Instant.parse(deadline));
      return left.isNegative() ? " (overdue by " + Text.duration(left) + ")" : " (" + Text.duration(left) + " left)";
    } catch (DateTimeParseException e) {
      return "";
    }
  }

  private static String time(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "-";
    }
    try {
      return Text.time(Instant.parse(node.asText()));
    } catch (DateTimeParseException e) {
      return node.asText();
    }
  }

  private void line(String label, String value) {
    out().printf("  %-13s%s%n", label, Text.orDash(value));
  }
}
