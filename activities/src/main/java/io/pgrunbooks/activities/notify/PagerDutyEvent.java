package io.pgrunbooks.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.activities.Notification;

/**
 * A PagerDuty Events API v2 event: {@code trigger} for a problem or a pending approval, {@code resolve} for
 * {@code resolved}; the dedup_key ties a trigger to its resolve (and folds repeats into one incident).
 */
final class PagerDutyEvent {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int SUMMARY_MAX = 1024;

  private PagerDutyEvent() {}

  static String json(String routingKey, OutgoingEvent e) {
    Notification n = e.notification();
    boolean resolve = Notification.RESOLVED.equals(n.event());
    ObjectNode root = MAPPER.createObjectNode()
        .put("routing_key", routingKey)
        .put("event_action", resolve ? "resolve" : "trigger")
        .put("dedup_key", e.dedupKey());
    if (!resolve) {
      String summary = e.title() + (n.text() == null ? "" : " - " + firstLine(n.text()));
      ObjectNode payload = root.putObject("payload")
          .put("summary", summary.length() > SUMMARY_MAX ? summary.substring(0, SUMMARY_MAX - 1) + "…" : summary)
          .put("severity", e.severity())
          .put("source", "pg-runbooks/" + (n.cluster() == null ? n.target() : n.cluster()))
          .put("component", n.runbook())
          .put("group", n.cluster())
          .put("class", n.event());
      ObjectNode details = payload.putObject("custom_details");
      details.put("workflowId", n.workflowId());
      details.put("target", n.target());
      details.put("text", n.text());
      if (e.approveCommand() != null) {
        details.put("approveCommand", e.approveCommand());
      }
      if (n.fields() != null) {
        n.fields().forEach(details::put);
      }
      root.put("client", "pg-runbooks");
      root.put("client_url", e.runUrl());
      root.putArray("links").addObject().put("href", e.approvalUrl() != null ? e.approvalUrl() : e.runUrl())
          .put("text", e.approvalUrl() != null ? "Decide on the approvals page" : "Open the run in the Temporal UI");
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot write PagerDuty event JSON", ex);
    }
  }

  private static String firstLine(String text) {
    String t = text.replace("*", "").replace("`", "").strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
