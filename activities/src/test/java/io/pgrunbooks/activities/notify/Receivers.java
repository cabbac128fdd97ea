package io.pgrunbooks.activities.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A real HTTP server standing in for Slack, a webhook receiver and PagerDuty's Events API: it records
 * each request and answers the statuses queued per path (then 200, or 202 for PagerDuty as it does).
 */
final class Receivers implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  record Request(String path, String idempotencyKey, String contentType, JsonNode body) {}

  private final HttpServer server;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Deque<Integer>> statuses = new ConcurrentHashMap<>();

  Receivers() throws IOException {
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
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
