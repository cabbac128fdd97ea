package io.pgrunbooks.workflows.activities;

import java.util.Map;

/**
 * One notification.
 *
 * @param event approval-needed, failed or completed (config {@code notifications.events} filters them)
 * @param text the message, markdown as Slack renders it; no secrets
 * @param fields facts shown beside the text (evidence, deadline, how to approve)
 */
public record Notification(String event, String runbook, String workflowId, String runId, String target,
                           String text, Map<String, String> fields) {}
