package io.pgrunbooks.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * On the process's metrics port: {@code /metrics} (Prometheus text format: SDK, JVM and runbook
 * metrics), {@code /livez} (200 while the process works: an orchestrator restarts it only when this
 * fails), {@code /readyz} (200 when the config loaded, the worker polls and Temporal answers; a
 * Temporal blip makes it 503 without a restart) and {@code /health} (the same as {@code /readyz},
 * kept for existing probes).
 */
final class HttpEndpoints implements AutoCloseable {
  /** Answer of the health probe: HTTP status and a JSON body. */
  record Health(boolean up, String json) {}

  private final HttpServer server;

  private HttpEndpoints(HttpServer server) {
    this.server = server;
  }

  static HttpEndpoints start(int port, PrometheusMeterRegistry registry, Supplier<Health> live,
                             Supplier<Health> ready) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
      server.createContext("/livez", ex -> probe(ex, live));
      server.createContext("/readyz", ex -> probe(ex, ready));
      server.createContext("/health", ex -> probe(ex, ready));
      server.start();
      return new HttpEndpoints(server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics/health on port " + port + ": " + e.getMessage(), e);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange ex, Supplier<Health> check) throws IOException {
    Health h = check.get();
    respond(ex, h.up() ? 200 : 503, "application/json", h.json());
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
