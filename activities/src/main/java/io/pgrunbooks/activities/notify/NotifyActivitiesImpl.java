package io.pgrunbooks.activities.notify;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.NotificationsConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NotifyActivities} as a Slack-compatible JSON webhook. The webhook URL usually embeds a
 * token, so it is never logged nor put in a failure message; only its host is.
 */
public class NotifyActivitiesImpl implements NotifyActivities {
  /** Failure type of a webhook that could not be reached or refused the post; retryable. */
  public static final String WEBHOOK_FAILED = "WebhookFailed";

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int ANSWER_CHARS = 200;
  private static final Logger log = LoggerFactory.getLogger(NotifyActivitiesImpl.class);

  private final RunbooksConfig config;
  private final Map<String, String> env;
  private final HttpClient http;

  public NotifyActivitiesImpl(RunbooksConfig config) {
    this(config, System.getenv());
  }

  /** With the environment {@code notifications.webhookUrlEnv} is read from (tests pass their own). */
  public NotifyActivitiesImpl(RunbooksConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public void notify(Notification notification) {
    if (notification == null) {
      throw Lookups.badInput("a notification is required");
    }
    NotificationsConfig n = config.notifications();
    if (!n.events().contains(notification.event())) {
      log.debug("notification {} of {} not sent: event not in notifications.events {}", notification.event(),
          notification.workflowId(), n.events());
      return;
    }
    String url = webhookUrl(n);
    if (url == null) {
      return;
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw Lookups.config("notifications: the webhook URL" + source(n) + " is not a valid URL");
    }
    String body = SlackMessage.json(notification, config.temporal().uiUrl(), config.temporal().namespace());
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("webhook post to " + uri.getHost() + " failed: " + scrub(describe(e), url),
          WEBHOOK_FAILED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("webhook post to " + uri.getHost() + " was interrupted", WEBHOOK_FAILED);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      String answer = response.body() == null ? "" : response.body();
      answer = answer.length() > ANSWER_CHARS ? answer.substring(0, ANSWER_CHARS) : answer;
      throw ApplicationFailure.newFailure("webhook at " + uri.getHost() + " answered HTTP " + status + ": "
          + scrub(answer, url), WEBHOOK_FAILED);
    }
    log.info("notified {} of {} ({})", notification.event(), notification.workflowId(), notification.runbook());
  }

  private String webhookUrl(NotificationsConfig n) {
    if (n.webhookUrl() != null) {
      return n.webhookUrl();
    }
    if (n.webhookUrlEnv() == null) {
      log.debug("notifications: no webhook configured (notifications.webhookUrl or webhookUrlEnv); nothing sent");
      return null;
    }
    String url = env.get(n.webhookUrlEnv());
    if (url == null || url.isBlank()) {
      // Start-up checks report it (ConfigLoader.secretProblems); a run must not wait on it.
      log.warn("notifications: environment variable {} (notifications.webhookUrlEnv) is not set; nothing sent",
          n.webhookUrlEnv());
      return null;
    }
    return url.strip();
  }

  private static String source(NotificationsConfig n) {
    return n.webhookUrlEnv() != null ? " in " + n.webhookUrlEnv() : " (notifications.webhookUrl)";
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String scrub(String text, String url) {
    String out = text.replace(url, "<webhook>");
    String path = URI.create(url).getRawPath();
    return path == null || path.length() < 2 ? out : out.replace(path, "<path>");
  }
}
