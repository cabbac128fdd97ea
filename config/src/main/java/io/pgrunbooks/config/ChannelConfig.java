package io.pgrunbooks.config;

import java.util.List;

/**
 * One notification channel. Which fields apply depends on {@code type}:
 * <ul>
 *   <li>{@code slack}, {@code webhook}: {@code url} or {@code urlEnv} (URLs often embed a token: prefer the variable)</li>
 *   <li>{@code email}: {@code host}, {@code port} (587), {@code from}, {@code to}, {@code username} with
 *       {@code passwordEnv}, {@code starttls} (true)</li>
 *   <li>{@code pagerduty}: {@code routingKeyEnv}, {@code eventsUrl} (PagerDuty's Events API v2)</li>
 * </ul>
 *
 * @param name unique name, used in logs and failures
 * @param filters which notifications this channel gets (all lists empty: the type's default events)
 */
public record ChannelConfig(String name, String type, String url, String urlEnv, String host, Integer port,
                            String from, List<String> to, String username, String passwordEnv, Boolean starttls,
                            String routingKeyEnv, String eventsUrl, NotificationFilter filters) {
  public static final List<String> TYPES = List.of("slack", "webhook", "email", "pagerduty");
  public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
  public static final int SMTP_PORT = 587;

  public ChannelConfig {
    to = Copies.list(to);
    port = port == null ? SMTP_PORT : port;
    starttls = starttls == null || starttls;
    eventsUrl = "pagerduty".equals(type) && eventsUrl == null ? PAGERDUTY_EVENTS_URL : eventsUrl;
    filters = filters == null ? NotificationFilter.none() : filters;
  }

  static ChannelConfig slack(String name, String url, String urlEnv, NotificationFilter filters) {
    return new ChannelConfig(name, "slack", url, urlEnv, null, null, null, null, null, null, null, null, null, filters);
  }

  /** Events a channel of this type gets when its filters name none. */
  public List<String> defaultEvents() {
    return "pagerduty".equals(type) ? List.of("failed", "findings", "resolved")
        : List.of("approval-needed", "approval-reminder", "approval-expired", "failed", "findings", "resolved");
  }
}
