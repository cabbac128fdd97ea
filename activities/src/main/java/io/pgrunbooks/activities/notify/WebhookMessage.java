package io.pgrunbooks.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.activities.Notification;

/** The generic webhook body: every fact of the event as plain JSON fields, for receivers that are programs. */
final class WebhookMessage {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private WebhookMessage() {}

  static String json(OutgoingEvent e) {
    Notification n = e.notification();
    ObjectNode root = MAPPER.createObjectNode()
        .put("event", n.event())
        .put("severity", e.severity())
        .put("title", e.title())
        .put("text", n.text())
        .put("runbook", n.runbook())
        .put("cluster", n.cluster())
        .put("target", n.target())
        .put("workflowId", n.workflowId())
        .put("runId", n.runId())
        .put("dedupKey", e.dedupKey())
        .put("idempotencyKey", e.idempotencyKey())
        .put("runUrl", e.runUrl())
        .put("approvalUrl", e.approvalUrl())
        .put("approveCommand", e.approveCommand());
    ObjectNode fields = root.putObject("fields");
    if (n.fields() != null) {
      n.fields().forEach(fields::put);
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot write notification JSON", ex);
    }
  }
}
