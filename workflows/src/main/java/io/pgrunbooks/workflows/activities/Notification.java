package io.pgrunbooks.workflows.activities;

import java.util.Map;

/**
 * One notification. The notifier sends it to each configured channel whose filters match.
 *
 * @param event one of {@link #APPROVAL_NEEDED}, {@link #APPROVAL_REMINDER}, {@link #APPROVAL_EXPIRED},
 *     {@link #FAILED}, {@link #COMPLETED}, {@link #FINDINGS} (channel filters select them)
 * @param text the message, markdown as Slack renders it; no secrets
 * @param fields facts shown beside the text (evidence, deadline, how to approve, outcome)
 * @param severity {@link #CRITICAL} or {@link #WARNING} for a run that found something people must act on
 *     (an unhealthy cluster, a corrupt index, a failed drill); null for the plain run events
 * @param cluster the run's cluster, for channel filters and the per-check dedup key; null in runs recorded before it
 * @param key the event's idempotency key, the same on every attempt of the activity (webhook
 *     {@code Idempotency-Key}, e-mail {@code Message-ID}); null in runs recorded before it (then derived)
 */
public record Notification(String event, String runbook, String workflowId, String runId, String target,
                           String text, Map<String, String> fields, String severity, String cluster, String key) {
  public static final String APPROVAL_NEEDED = "approval-needed";
  /** An approval is still pending at a configured fraction of its timeout. */
  public static final String APPROVAL_REMINDER = "approval-reminder";
  /** An approval reached its deadline without a decision. */
  public static final String APPROVAL_EXPIRED = "approval-expired";
  /** A run ended FAILED. */
  public static final String FAILED = "failed";
  /** A run ended COMPLETED, REJECTED or TIMED_OUT (the outcome is a field); COMPLETED also resolves its check. */
  public static final String COMPLETED = "completed";
  /** Event of a run that completed but found problems; sent instead of {@code completed}. */
  public static final String FINDINGS = "findings";
  /** Derived by the notifier from a COMPLETED run of a check that had failed or found problems before. */
  public static final String RESOLVED = "resolved";
  public static final String CRITICAL = "critical";
  public static final String WARNING = "warning";

  /** A notification without severity, cluster or key. */
  public Notification(String event, String runbook, String workflowId, String runId, String target,
                      String text, Map<String, String> fields) {
    this(event, runbook, workflowId, runId, target, text, fields, null, null, null);
  }

  /** The idempotency key, derived from the run and event when the workflow did not set one. */
  public String keyOrDerived() {
    return key != null ? key : workflowId + "/" + runId + "/" + event;
  }
}
