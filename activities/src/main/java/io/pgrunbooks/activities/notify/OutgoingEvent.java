package io.pgrunbooks.activities.notify;

import io.pgrunbooks.workflows.activities.Notification;

/**
 * One event as a channel sends it.
 *
 * @param notification what happened; its {@code event} is the outgoing event ({@code resolved} is derived)
 * @param severity critical, error, warning or info ({@code resolved}: the severity does not apply, info)
 * @param dedupKey groups the events of one problem: {@code pg-runbooks/<cluster>/<check>} for failed, findings
 *     and resolved, {@code pg-runbooks/<workflowId>/<requestId>} for an approval (PagerDuty's dedup_key)
 * @param idempotencyKey the same on every attempt to send this event (webhook {@code Idempotency-Key},
 *     e-mail {@code Message-ID})
 * @param runUrl the run in the Temporal UI
 * @param approvalUrl the request on the approvals page, for approval events when the page's URL is configured
 * @param approveCommand the one-line CLI command that approves the request, for approval events
 */
record OutgoingEvent(Notification notification, String severity, String dedupKey, String idempotencyKey,
                     String runUrl, String approvalUrl, String approveCommand) {
  String event() {
    return notification.event();
  }

  /** "Approval needed: ArchivePartition on public.x", the one line every channel leads with. */
  String title() {
    return SlackMessage.header(notification);
  }
}
