package io.pgrunbooks.workflows.activities;

import java.util.Map;

/**
 * One notification.
 *
 * @param event approval-needed, failed, completed or findings (config {@code notifications.events} filters them)
 * @param text the message, markdown as Slack renders it; no secrets
 * @param fields facts shown beside the text (evidence, deadline, how to approve)
 * @param severity {@link #CRITICAL} or {@link #WARNING} for a run that found something people must act on
 *     (an unhealthy cluster, a corrupt index, a failed drill); null for the plain run events
 */
public record Notification(String event, String runbook, String workflowId, String runId, String target,
                           String text, Map<String, String> fields, String severity) {
  /** Event of a run that completed but found problems; sent instead of {@code completed}. */
  public static final String FINDINGS = "findings";
  public static final String CRITICAL = "critical";
  public static final String WARNING = "warning";

  /** A notification without severity (approval-needed, failed, completed). */
  public Notification(String event, String runbook, String workflowId, String runId, String target,
                      String text, Map<String, String> fields) {
    this(event, runbook, workflowId, runId, target, text, fields, null);
  }
}
