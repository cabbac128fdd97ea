package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Notifications to people (Slack-compatible JSON webhook). A failure to notify never fails a run. */
@ActivityInterface
public interface NotifyActivities {
  /** Posts the notification when its event is enabled in config; does nothing otherwise. */
  @ActivityMethod
  void notify(Notification notification);
}
