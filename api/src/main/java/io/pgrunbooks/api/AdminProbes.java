package io.pgrunbooks.api;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The API's admin-port probes and Prometheus endpoint. {@code /livez}: Jetty answers, so the process
 * works (an orchestrator restarts on this only). {@code /readyz}: every health check passes, Temporal
 * included (a Temporal blip takes the API out of rotation without a restart).
 * {@code /metrics/prometheus}: Dropwizard's registry (requests, response codes, resource timers,
 * JVM) in Prometheus text format, names prefixed {@code pg_runbooks_api_}.
 */
final class AdminProbes {
  private AdminProbes() {}

  static final class Live extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      reply(resp, 200, "application/json", "{\"status\":\"UP\"}");
    }
  }

  static final class Ready extends HttpServlet {
    private final HealthCheckRegistry checks;

    Ready(HealthCheckRegistry checks) {
      this.checks = checks;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      StringBuilder json = new StringBuilder("{");
      boolean ready = true;
      for (Map.Entry<String, HealthCheck.Result> e : checks.runHealthChecks().entrySet()) {
        ready &= e.getValue().isHealthy();
        json.append(json.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":")
            .append(e.getValue().isHealthy());
      }
      reply(resp, ready ? 200 : 503, "application/json",
          "{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"checks\":" + json.append('}') + "}");
    }
  }

  static final class Prometheus extends HttpServlet {
    private final MetricRegistry registry;

    Prometheus(MetricRegistry registry) {
      this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      reply(resp, 200, "text/plain; version=0.0.4; charset=utf-8", render(registry));
    }
  }

  /** Prometheus text format of a Dropwizard registry. */
  static String render(MetricRegistry registry) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Gauge> e : registry.getGauges().entrySet()) {
      if (e.getValue().getValue() instanceof Number n) {
        family(out, name(e.getKey()), "gauge").append(name(e.getKey())).append(' ').append(num(n.doubleValue())).append('\n');
      }
    }
    for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
      // Dropwizard counters go down as well (active requests): a gauge.
      family(out, name(e.getKey()), "gauge").append(name(e.getKey())).append(' ').append(e.getValue().getCount()).append('\n');
    }
    for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
      String n = name(e.getKey()) + "_total";
      family(out, n, "counter").append(n).append(' ').append(e.getValue().getCount()).append('\n');
    }
    SortedMap<String, Histogram> histograms = registry.getHistograms();
    for (Map.Entry<String, Histogram> e : histograms.entrySet()) {
      summary(out, name(e.getKey()), e.getValue().getSnapshot(), e.getValue().getCount(), 1);
    }
    for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
      summary(out, name(e.getKey()) + "_seconds", e.getValue().getSnapshot(), e.getValue().getCount(), 1e-9);
    }
    return out.toString();
  }

  private static void summary(StringBuilder out, String n, Snapshot s, long count, double scale) {
    family(out, n, "summary");
    for (double q : new double[] {0.5, 0.75, 0.95, 0.99}) {
      out.append(n).append("{quantile=\"").append(q).append("\"} ").append(num(s.getValue(q) * scale)).append('\n');
    }
    // A reservoir has no exact sum: mean x count is the summary's best estimate.
    out.append(n).append("_sum ").append(num(s.getMean() * scale * count)).append('\n');
    out.append(n).append("_count ").append(count).append('\n');
  }

  private static StringBuilder family(StringBuilder out, String name, String type) {
    return out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  static String name(String dropwizardName) {
    return "pg_runbooks_api_" + dropwizardName.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(Locale.ROOT);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v);
  }

  private static void reply(HttpServletResponse resp, int status, String type, String body) throws IOException {
    resp.setStatus(status);
    resp.setContentType(type);
    resp.getWriter().write(body);
  }
}
