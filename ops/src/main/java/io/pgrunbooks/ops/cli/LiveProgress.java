package io.pgrunbooks.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code runbooks start --wait} prints while a run goes on: one line per change of state, current
 * step (with the running activity's percent or latest heartbeat where it reports one) and pending
 * approvals (with how to approve). Pure: it gets the {@code progress} answer and the running
 * steps' heartbeats, the command does the polling.
 */
final class LiveProgress {
  /** A running activity and its latest heartbeat details (null when it has not heartbeated). */
  record Beat(String activityType, JsonNode details) {}

  private String last = "";

  /**
   * The line to print for this poll, or null when nothing changed since the last one.
   *
   * @param progress the run's {@code progress} query answer (null when unanswered)
   */
  String next(JsonNode progress, List<Beat> beats) {
    String line = line(progress, beats);
    if (line == null || line.equals(last)) {
      return null;
    }
    last = line;
    return line;
  }

  static String line(JsonNode progress, List<Beat> beats) {
    if (progress == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    parts.add(progress.path("state").asText("RUNNING"));
    String step = progress.path("currentStep").asText("");
    if (!step.isBlank()) {
      parts.add("step: " + step);
    }
    for (Beat b : beats) {
      String detail = detail(b.details());
      parts.add(b.activityType() + (detail == null ? "" : " " + detail));
    }
    StringBuilder s = new StringBuilder(String.join(" | ", parts));
    for (JsonNode p : progress.path("pendingApprovals")) {
      s.append(System.lineSeparator()).append("  awaiting approval ").append(p.path("requestId").asText())
          .append(": ").append(p.path("action").asText(p.path("summary").asText("")));
      if (p.hasNonNull("deadline")) {
        s.append(" (deadline ").append(p.path("deadline").asText()).append(')');
      }
      String how = null;
      for (JsonNode h : p.path("howToApprove")) {
        if (how == null || h.asText().startsWith("runbooks approve")) {
          how = h.asText();
        }
      }
      if (how != null) {
        s.append(System.lineSeparator()).append("    ").append(how);
      }
    }
    return s.toString();
  }

  /** "42%" when the heartbeat says a percent, its text when it is a sentence, else null. */
  static String detail(JsonNode details) {
    if (details == null || details.isNull() || details.isMissingNode()) {
      return null;
    }
    if (details.isTextual()) {
      return "(" + details.asText() + ")";
    }
    if (details.has("percent") && details.get("percent").isNumber()) {
      return details.get("percent").asInt() + "%";
    }
    if (details.hasNonNull("what")) {
      return "(" + details.get("what").asText() + ")";
    }
    return null;
  }
}
