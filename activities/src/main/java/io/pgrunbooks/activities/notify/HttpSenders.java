package io.pgrunbooks.activities.notify;

import java.util.Map;

/** The channels that are one JSON POST: slack, webhook and pagerduty. */
final class HttpSenders {
  private HttpSenders() {}

  static ChannelSender slack(HttpPost http, String name, String url) {
    return e -> http.post("channel " + name + " (slack)", url, SlackMessage.json(e),
        Map.of("Idempotency-Key", e.idempotencyKey()));
  }

  static ChannelSender webhook(HttpPost http, String name, String url) {
    return e -> http.post("channel " + name + " (webhook)", url, WebhookMessage.json(e),
        Map.of("Idempotency-Key", e.idempotencyKey()));
  }

  /** PagerDuty deduplicates by dedup_key itself; the routing key is blanked out of any answer quoted. */
  static ChannelSender pagerDuty(HttpPost http, String name, String eventsUrl, String routingKey) {
    return e -> http.post("channel " + name + " (pagerduty)", eventsUrl, PagerDutyEvent.json(routingKey, e), Map.of(),
        routingKey);
  }
}
