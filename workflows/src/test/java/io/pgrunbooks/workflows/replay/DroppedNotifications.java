package io.pgrunbooks.workflows.replay;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;

/** Notifications for runbook workflow tests that do not look at them. */
public final class DroppedNotifications implements NotifyActivities {
  @Override
  public void notify(Notification notification) {}
}
