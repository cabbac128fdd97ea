package io.pgrunbooks.activities.notify;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ChannelConfig;

import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NotifyActivities} to every configured channel whose filters match (Slack, webhook, e-mail,
 * PagerDuty). Each channel gets each event once: a retry of the activity skips the channels that already
 * took it (and the receivers can deduplicate by the event's key). One channel failing never keeps the
 * others from their message; the activity then fails retryable (5xx, connection errors) or, when every
 * failure was a refusal (4xx), non-retryable naming the channel and the status.
 */
public class NotifyActivitiesImpl implements NotifyActivities {
  /** Failure type when a channel could not be reached or answered 5xx; retryable. */
  public static final String DELIVERY_FAILED = "NotificationDeliveryFailed";
  /** Failure type when a channel refused the event (4xx, bad address, login refused); not retried. */
  public static final String DELIVERY_REFUSED = "NotificationRefused";

  private static final int REMEMBERED = 10_000;
  private static final Logger log = LoggerFactory.getLogger(NotifyActivitiesImpl.class);

  private final RunbooksConfig config;
  private final Map<String, String> env;
  private final HttpPost http = new HttpPost();
  /** channel + idempotency key of every event a channel took or refused, so a retry does not send it again. */
  private final Set<String> done = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      }));
  /** Check keys with a failure or findings not yet resolved (this worker's memory; PagerDuty keeps its own). */
  private final Set<String> open = Collections.synchronizedSet(new java.util.HashSet<>());

  public NotifyActivitiesImpl(RunbooksConfig config) {
    this(config, System.getenv());
  }

  /** With the environment the channels' {@code urlEnv}, {@code passwordEnv} and {@code routingKeyEnv} are read from. */
  public NotifyActivitiesImpl(RunbooksConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
  }

  @Override
  public void notify(Notification notification) {
    if (notification == null) {
      throw Lookups.badInput("a notification is required");
    }
    List<String> retry = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Outgoing o : events(notification)) {
      for (ChannelConfig channel : config.notifications().allChannels()) {
        if (!o.pagerDutyOnly() || "pagerduty".equals(channel.type())) {
          deliver(channel, o.notification(), retry, refused);
        }
      }
    }
    if (!retry.isEmpty()) {
      throw ApplicationFailure.newFailure(String.join("; ", concat(retry, refused)), DELIVERY_FAILED);
    }
    if (!refused.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(String.join("; ", refused), DELIVERY_REFUSED);
    }
  }

  /** An event to send; {@code pagerDutyOnly} for a resolve of a problem this worker never saw. */
  private record Outgoing(Notification notification, boolean pagerDutyOnly) {}

  /** The notification itself, and {@code resolved} when a COMPLETED run ends a problem of its check. */
  private List<Outgoing> events(Notification n) {
    if (Notification.FAILED.equals(n.event()) || Notification.FINDINGS.equals(n.event())) {
      open.add(Routing.checkKey(n));
    }
    if (!Routing.resolves(n)) {
      return List.of(new Outgoing(n, false));
    }
    // Chat and mail hear "resolved" only after a problem this worker saw (else every healthy run would say it);
    // PagerDuty resolves by dedup key, a no-op when nothing is open there.
    boolean wasOpen = open.remove(Routing.checkKey(n));
    return List.of(new Outgoing(n, false), new Outgoing(Routing.resolved(n), !wasOpen));
  }

  private void deliver(ChannelConfig channel, Notification n, List<String> retry, List<String> refused) {
    String severity = Routing.severity(n);
    if (!Routing.matches(channel, n, severity)) {
      return;
    }
    OutgoingEvent e = new OutgoingEvent(n, severity, Routing.dedupKey(n), n.keyOrDerived(),
        SlackMessage.runUrl(config.temporal().uiUrl(), config.temporal().namespace(), n.workflowId()),
        Routing.approvalUrl(config.notifications().approvalsPageUrl(), n), Routing.approveCommand(n));
    String once = channel.name() + "|" + e.idempotencyKey();
    if (done.contains(once)) {
      log.info("notification {} already delivered to channel {}; not sent again", e.idempotencyKey(), channel.name());
      return;
    }
    ChannelSender sender = sender(channel);
    if (sender == null) {
      return;
    }
    try {
      sender.send(e);
      done.add(once);
      log.info("notified channel {} of {} ({} of {})", channel.name(), n.event(), n.runbook(), n.workflowId());
    } catch (DeliveryFailure f) {
      log.warn("notification {} not delivered: {}", e.idempotencyKey(), f.getMessage());
      if (f.retryable) {
        retry.add(f.getMessage());
      } else {
        done.add(once);
        refused.add(f.getMessage());
      }
    }
  }

  private ChannelSender sender(ChannelConfig c) {
    return switch (c.type()) {
      case "slack", "webhook" -> {
        String url = c.url() != null ? c.url() : secret(c, "urlEnv", c.urlEnv());
        yield url == null ? null : "slack".equals(c.type()) ? HttpSenders.slack(http, c.name(), url)
            : HttpSenders.webhook(http, c.name(), url);
      }
      case "pagerduty" -> {
        String key = secret(c, "routingKeyEnv", c.routingKeyEnv());
        yield key == null ? null : HttpSenders.pagerDuty(http, c.name(), c.eventsUrl(), key);
      }
      case "email" -> {
        String password = c.passwordEnv() == null ? null : secret(c, "passwordEnv", c.passwordEnv());
        yield c.passwordEnv() != null && password == null ? null : new EmailSender(c, password);
      }
      default -> null;
    };
  }

  private String secret(ChannelConfig c, String key, String variable) {
    String value = variable == null ? null : env.get(variable);
    if (value == null || value.isBlank()) {
      // Start-up checks report it (ConfigLoader.secretProblems); a run must not wait on it.
      log.warn("notifications: environment variable {} ({} of channel {}) is not set; nothing sent to it", variable,
          key, c.name());
      return null;
    }
    return value.strip();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

}
