package io.pgrunbooks.activities.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Real servers receiving notifications: an HTTP server standing in for Slack, a webhook receiver and
 * PagerDuty's Events API (it records each request and answers the statuses queued per path, then 200, or
 * 202 for PagerDuty as it does), and an SMTP server (GreenMail).
 */
final class Receivers implements AutoCloseable {
  /** One channel of each type, pointed at these servers (PagerDuty's key in PD_ROUTING_KEY). */
  static final String ALL_TYPES = """
      - {name: chat, type: slack, url: "%s"}
      - {name: audit, type: webhook, url: "%s"}
      - {name: mail, type: email, host: 127.0.0.1, port: %d, starttls: false, from: runbooks@example.com, to: [dba@example.com]}
      - {name: pager, type: pagerduty, routingKeyEnv: PD_ROUTING_KEY, eventsUrl: "%s"}
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  record Request(String path, String idempotencyKey, String contentType, JsonNode body) {}

  final GreenMail smtp;
  private final HttpServer server;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Deque<Integer>> statuses = new ConcurrentHashMap<>();

  Receivers() throws IOException {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
      requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Idempotency-Key"),
          exchange.getRequestHeaders().getFirst("Content-Type"), body));
      Integer queued = statuses.getOrDefault(path, new ConcurrentLinkedDeque<>()).poll();
      int status = queued != null ? queued : path.startsWith("/pd") ? 202 : 200;
      byte[] out = (status < 300 ? "{\"status\":\"success\"}" : "{\"status\":\"invalid event\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
  }

  /** {@code channels} (a YAML list with the four placeholders of {@link #ALL_TYPES}) pointed at these servers. */
  String channels(String channels) {
    return channels.formatted(url("/slack"), url("/hook"), smtp.getSmtp().getPort(), url("/pd"));
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next answers of {@code path}, in order. */
  void answer(String path, Integer... codes) {
    statuses.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(codes));
  }

  List<Request> at(String path) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.path().equals(path)).toList();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    smtp.stop();
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
