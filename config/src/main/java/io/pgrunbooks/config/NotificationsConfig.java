package io.pgrunbooks.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Notifications about runs, sent to {@code channels} (Slack, generic webhook, e-mail, PagerDuty), each with
 * its own filters. The older single-webhook keys ({@code webhookUrlEnv}/{@code webhookUrl}/{@code events})
 * still work: they become one Slack channel named {@value #LEGACY_CHANNEL}.
 *
 * @param webhookUrlEnv environment variable holding a Slack webhook URL (older form of one slack channel)
 * @param webhookUrl that URL itself, when it holds no secret (older form)
 * @param events events of that older channel (default approval-needed, failed, completed, findings)
 * @param channels where notifications go, each with its filters
 * @param approvalsPageUrl base URL of the approvals page (the API), linked from approval notifications
 * @param reminders fractions of an approval's timeout at which a reminder is sent (default 0.5 and 0.9)
 */
public record NotificationsConfig(String webhookUrlEnv, String webhookUrl, List<String> events,
                                  List<ChannelConfig> channels, String approvalsPageUrl, List<Double> reminders) {
  public static final List<String> DEFAULT_EVENTS = List.of("approval-needed", "failed", "completed", "findings");
  public static final List<Double> DEFAULT_REMINDERS = List.of(0.5, 0.9);
  /** Name of the channel the older single-webhook keys make. */
  public static final String LEGACY_CHANNEL = "slack";

  /** Every event a channel can filter on. */
  public static final List<String> EVENTS = List.of("approval-needed", "approval-reminder", "approval-expired",
      "failed", "completed", "findings", "resolved");

  public NotificationsConfig {
    events = events == null ? DEFAULT_EVENTS : Copies.list(events);
    channels = Copies.list(channels);
    reminders = reminders == null ? DEFAULT_REMINDERS : Copies.list(reminders);
  }

  public NotificationsConfig(String webhookUrlEnv, String webhookUrl, List<String> events) {
    this(webhookUrlEnv, webhookUrl, events, null, null, null);
  }

  public static NotificationsConfig defaults() {
    return new NotificationsConfig(null, null, null, null, null, null);
  }

  /** The configured channels, with the older single webhook first as a slack channel when it is set. */
  public List<ChannelConfig> allChannels() {
    if (webhookUrl == null && webhookUrlEnv == null) {
      return channels;
    }
    List<ChannelConfig> all = new ArrayList<>();
    all.add(ChannelConfig.slack(LEGACY_CHANNEL, webhookUrl, webhookUrlEnv, new NotificationFilter(null, null, null, events)));
    all.addAll(channels);
    return List.copyOf(all);
  }
}
