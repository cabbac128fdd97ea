package io.pgrunbooks.activities.notify;

import io.pgrunbooks.config.ChannelConfig;
import io.pgrunbooks.config.NotificationFilter;
import io.pgrunbooks.workflows.activities.Notification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pure decisions of the notifier: which events a notification becomes, their keys and severity, who gets them. */
final class Routing {
  private Routing() {}

  /** Severity used for channel filters and PagerDuty: findings carry theirs, the run events have a fixed one. */
  static String severity(Notification n) {
    return switch (String.valueOf(n.event())) {
      case Notification.FINDINGS -> n.severity() == null ? Notification.WARNING : n.severity();
      case Notification.FAILED -> "error";
      case Notification.APPROVAL_EXPIRED -> Notification.WARNING;
      default -> "info";
    };
  }

  /** {@code pg-runbooks/<cluster>/<check>}: the one key of a check's problems on a cluster, until it is resolved. */
  static String checkKey(Notification n) {
    return "pg-runbooks/" + (n.cluster() != null ? n.cluster() : n.target()) + "/" + n.runbook();
  }

  static String dedupKey(Notification n) {
    return switch (String.valueOf(n.event())) {
      case Notification.FAILED, Notification.FINDINGS, Notification.RESOLVED -> checkKey(n);
      case Notification.APPROVAL_NEEDED, Notification.APPROVAL_REMINDER, Notification.APPROVAL_EXPIRED ->
          "pg-runbooks/" + n.workflowId() + "/" + (n.fields() == null ? null : n.fields().get("requestId"));
      default -> "pg-runbooks/" + n.workflowId() + "/" + n.runId() + "/" + n.event();
    };
  }

  /** Whether a run ended COMPLETED (not REJECTED or TIMED_OUT): then its check's earlier problem is resolved. */
  static boolean resolves(Notification n) {
    return Notification.COMPLETED.equals(n.event()) && n.fields() != null
        && "COMPLETED".equals(n.fields().get("outcome"));
  }

  /** The {@code resolved} event a healthy run sends, with the run's facts and its own idempotency key. */
  static Notification resolved(Notification n) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("check", n.runbook());
    fields.put("cluster", n.cluster());
    if (n.fields() != null && n.fields().get("summary") != null) {
      fields.put("summary", n.fields().get("summary"));
    }
    return new Notification(Notification.RESOLVED, n.runbook(), n.workflowId(), n.runId(), n.target(),
        "*" + n.runbook() + "* on `" + n.target() + "` is healthy again: the problem reported by an earlier run is resolved.",
        fields, null, n.cluster(), n.keyOrDerived() + "/" + Notification.RESOLVED);
  }

  /** Whether a channel's filters let this event through. */
  static boolean matches(ChannelConfig channel, Notification n, String severity) {
    NotificationFilter f = channel.filters();
    List<String> events = f.events().isEmpty() ? channel.defaultEvents() : f.events();
    if (!events.contains(n.event())) {
      return false;
    }
    if (!f.runbooks().isEmpty() && !f.runbooks().contains(n.runbook())) {
      return false;
    }
    if (!f.clusters().isEmpty() && (n.cluster() == null || !f.clusters().contains(n.cluster()))) {
      return false;
    }
    // A resolve must reach whoever got the problem, whatever severity that problem had.
    return f.severities().isEmpty() || Notification.RESOLVED.equals(n.event()) || f.severities().contains(severity);
  }

  /** The first {@code runbooks approve ...} line of the request's how-to, or null. */
  static String approveCommand(Notification n) {
    String how = n.fields() == null ? null : n.fields().get("howToApprove");
    if (how == null) {
      return null;
    }
    List<String> lines = new ArrayList<>(how.lines().toList());
    return lines.stream().filter(l -> l.startsWith("runbooks approve ")).findFirst().orElse(null);
  }

  /** {@code <page>/#/approvals?workflowId=...&requestId=...}, when the page's URL is configured. */
  static String approvalUrl(String pageUrl, Notification n) {
    String requestId = n.fields() == null ? null : n.fields().get("requestId");
    if (pageUrl == null || requestId == null || !n.event().startsWith("approval-")) {
      return null;
    }
    String base = pageUrl.endsWith("/") ? pageUrl.substring(0, pageUrl.length() - 1) : pageUrl;
    return base + "/#/approvals?workflowId=" + URLEncoder.encode(n.workflowId(), StandardCharsets.UTF_8)
        + "&requestId=" + URLEncoder.encode(requestId, StandardCharsets.UTF_8);
  }
}
