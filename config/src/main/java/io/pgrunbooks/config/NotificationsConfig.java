package io.pgrunbooks.config;

import java.util.List;

/**
 * Webhook notifications about runs. Webhook URLs often embed a token, so prefer {@code webhookUrlEnv}.
 *
 * @param webhookUrlEnv environment variable holding the webhook URL
 * @param webhookUrl the webhook URL itself, when it holds no secret
 * @param events which events are sent (default approval-needed, failed, completed, findings)
 */
public record NotificationsConfig(String webhookUrlEnv, String webhookUrl, List<String> events) {
  public static final List<String> DEFAULT_EVENTS = List.of("approval-needed", "failed", "completed", "findings");

  public NotificationsConfig {
    events = events == null ? DEFAULT_EVENTS : Copies.list(events);
  }

  public static NotificationsConfig defaults() {
    return new NotificationsConfig(null, null, null);
  }
}
