package io.pgrunbooks.activities.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A JSON POST whose answer decides delivered, retry later or refused. URLs may carry tokens: only hosts are named. */
final class HttpPost {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int ANSWER_CHARS = 200;

  private final HttpClient http;

  HttpPost() {
    http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Posts {@code body}; returns on 2xx.
   *
   * @param what how the failure names the target ("webhook", "channel pager (pagerduty)")
   * @param secrets strings to blank out of any answer quoted in a failure
   */
  void post(String what, String url, String body, Map<String, String> headers, String... secrets)
      throws DeliveryFailure {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new DeliveryFailure(what + ": the configured URL is not a valid URL", false);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DeliveryFailure(what + ": post to " + uri.getHost() + " failed: "
          + scrub(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), url, secrets),
          true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryFailure(what + ": post to " + uri.getHost() + " was interrupted", true);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      String answer = response.body() == null ? "" : response.body();
      answer = answer.length() > ANSWER_CHARS ? answer.substring(0, ANSWER_CHARS) : answer;
      throw new DeliveryFailure(what + " at " + uri.getHost() + " answered HTTP " + status + ": "
          + scrub(answer, url, secrets), DeliveryFailure.retryableStatus(status));
    }
  }

  static String scrub(String text, String url, String... secrets) {
    String out = text.replace(url, "<url>");
    String path = URI.create(url).getRawPath();
    out = path == null || path.length() < 2 ? out : out.replace(path, "<path>");
    for (String s : secrets) {
      if (s != null && s.length() >= 4) {
        out = out.replace(s, "<secret>");
      }
    }
    return out;
  }
}
