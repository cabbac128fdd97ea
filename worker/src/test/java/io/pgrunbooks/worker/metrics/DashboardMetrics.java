package io.pgrunbooks.worker.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the Grafana dashboard (ops/grafana/pg-runbooks.json) queries. */
public final class DashboardMetrics {
  public static final Path DASHBOARD = Path.of("../ops/grafana/pg-runbooks.json");
  private static final Pattern NAME = Pattern.compile("\\b(runbooks_[a-z_]+|temporal_[a-z_]+|jvm_[a-z_]+|up)\\b(?!\\s*\\()");

  private DashboardMetrics() {}

  public static Set<String> names() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> out = new TreeSet<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher m = NAME.matcher(expr.asText());
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** Metric names (sample names, without labels) in a Prometheus text scrape. */
  public static Set<String> scraped(String scrape) {
    Set<String> out = new TreeSet<>();
    scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> out.add(l.split("[{ ]", 2)[0]));
    return out;
  }
}
