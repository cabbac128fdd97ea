package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Notifications to people, through the configured channels (Slack, webhook, e-mail, PagerDuty). A failure
 * to notify never fails a run: callers log it in the run.
 */
@ActivityInterface
public interface NotifyActivities {
  /**
   * Sends the notification to every channel whose filters match it, each once per idempotency key; fails
   * retryable while a channel could not be reached (5xx, connection), non-retryable when one refused it (4xx).
   */
  @ActivityMethod
  void notify(Notification notification);
}
