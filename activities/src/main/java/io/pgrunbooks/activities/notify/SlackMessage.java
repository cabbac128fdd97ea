package io.pgrunbooks.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.activities.Notification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Slack-compatible body of a notification: {@code text} (the fallback shown in pop-ups and by
 * webhooks that ignore blocks) and {@code blocks} (header, text, fields, link to the run).
 */
final class SlackMessage {
  // Slack refuses the whole message when a block exceeds its limit, so texts are cut to fit.
  private static final int HEADER_MAX = 150;
  private static final int TEXT_MAX = 3000;
  private static final int FIELD_MAX = 2000;
  private static final int FIELDS_PER_SECTION = 10;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SlackMessage() {}

  static String json(OutgoingEvent e) {
    Notification n = e.notification();
    String header = header(n);
    ObjectNode root = MAPPER.createObjectNode();
    root.put("text", cut(escape(header) + (blank(n.text()) ? "" : ": " + escape(n.text())), TEXT_MAX));
    ArrayNode blocks = root.putArray("blocks");
    blocks.addObject().put("type", "header").set("text", plain(cut(header, HEADER_MAX)));
    if (!blank(n.text())) {
      blocks.addObject().put("type", "section").set("text", mrkdwn(cut(escape(n.text()), TEXT_MAX)));
    }
    List<Map.Entry<String, String>> fields = n.fields() == null ? List.of() : new ArrayList<>(n.fields().entrySet());
    for (int from = 0; from < fields.size(); from += FIELDS_PER_SECTION) {
      ArrayNode section = blocks.addObject().put("type", "section").putArray("fields");
      for (Map.Entry<String, String> f : fields.subList(from, Math.min(fields.size(), from + FIELDS_PER_SECTION))) {
        section.add(mrkdwn(cut("*" + escape(f.getKey()) + "*\n" + escape(String.valueOf(f.getValue())), FIELD_MAX)));
      }
    }
    if (e.approvalUrl() != null) {
      blocks.addObject().put("type", "section").set("text",
          mrkdwn("<" + e.approvalUrl() + "|Decide on the approvals page>"));
    }
    blocks.addObject().put("type", "section").set("text",
        mrkdwn("<" + e.runUrl() + "|Open the run in the Temporal UI> · `" + escape(n.workflowId()) + "`"));
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot write notification JSON", ex);
    }
  }

  static String header(Notification n) {
    String what = switch (String.valueOf(n.event())) {
      case Notification.APPROVAL_NEEDED -> "Approval needed";
      case Notification.APPROVAL_REMINDER -> "Approval reminder";
      case Notification.APPROVAL_EXPIRED -> "Approval expired";
      case Notification.FAILED -> "Failed";
      case Notification.COMPLETED -> "Completed";
      case Notification.RESOLVED -> "Resolved";
      case Notification.FINDINGS -> Notification.CRITICAL.equals(n.severity()) ? "CRITICAL findings" : "Warning findings";
      default -> n.event();
    };
    String target = blank(n.target()) ? "" : " on " + n.target();
    return what + ": " + n.runbook() + target;
  }

  /** {@code <uiUrl>/namespaces/<namespace>/workflows/<workflowId>}, each segment percent-encoded as needed. */
  static String runUrl(String uiUrl, String namespace, String workflowId) {
    String base = uiUrl.endsWith("/") ? uiUrl.substring(0, uiUrl.length() - 1) : uiUrl;
    return base + "/namespaces/" + segment(namespace) + "/workflows/" + segment(workflowId);
  }

  // RFC 3986 path segment: workflow ids such as archive-partition:main:app:public.x stay readable.
  private static String segment(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : String.valueOf(s).getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~:@!$'()*,;=".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** Slack reads &, < and > as control characters in mrkdwn ("--as <name>" would vanish). */
  private static String escape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static ObjectNode plain(String text) {
    return MAPPER.createObjectNode().put("type", "plain_text").put("text", text);
  }

  private static ObjectNode mrkdwn(String text) {
    return MAPPER.createObjectNode().put("type", "mrkdwn").put("text", text);
  }
}
