package io.pgrunbooks.api.insights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.DataConverters;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The partition coverage grid of one PartitionMaintenance result, per table and interval: the
 * same meaning as {@code runbooks partitions} (existing, missing, expired, rows in the default
 * partition), read from what the run recorded instead of the catalog (the API never touches a database).
 */
public final class PartitionGrid {
  public static final String EXISTS = "exists";
  public static final String CREATED = "created";
  public static final String EXPIRED = "expired";
  public static final String MISSING = "missing";
  public static final String DEFAULT_ROWS = "default-rows";

  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final Pattern GAP = Pattern.compile("^\\[(\\S+), (\\S+)\\).*");
  private static final Pattern DEFAULT = Pattern.compile("^(\\d+) rows in the default partition \\S+ for the \\w+ starting (\\S+)$");
  private static final Pattern DROP = Pattern.compile("DROP TABLE (?:IF EXISTS )?([\\w.\"]+)");

  private PartitionGrid() {}

  /** {@code {workflowId, finishedAt, dryRun, tables: [{table, status, columns: [{from, to, state, partition, rows}], retired}]}}. */
  public static ObjectNode of(String workflowId, JsonNode result) {
    JsonNode report = result.path("report");
    Set<String> expired = new HashSet<>();
    for (JsonNode line : report.path("plan")) {
      Matcher m = DROP.matcher(line.asText());
      while (m.find()) {
        expired.add(m.group(1).replace("\"", ""));
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("workflowId", workflowId);
    out.put("target", report.path("target").asText(null));
    out.put("finishedAt", report.path("finishedAt").asText(null));
    out.put("dryRun", report.path("dryRun").asBoolean(false));
    ArrayNode tables = out.putArray("tables");
    for (JsonNode t : result.path("tables")) {
      tables.add(table(t, expired));
    }
    return out;
  }

  private static ObjectNode table(JsonNode t, Set<String> plannedDrops) {
    Set<String> created = new HashSet<>();
    t.path("created").forEach(n -> created.add(n.asText()));
    Set<String> retired = new LinkedHashSet<>();
    t.path("retired").forEach(n -> retired.add(n.asText()));
    Map<Instant, ObjectNode> columns = new TreeMap<>();
    for (JsonNode p : t.path("stats")) {
      if (p.path("from").isTextual() && p.path("to").isTextual()) {
        String name = p.path("name").asText();
        boolean isCreated = created.contains(name) || created.contains(simple(name));
        // Stats are read before the drop is approved: a partition the run retired (or would drop) is expired.
        String state = plannedDrops.contains(name) || retired.contains(name) ? EXPIRED : isCreated ? CREATED : EXISTS;
        ObjectNode c = column(columns, p.path("from").asText(), p.path("to").asText(), state);
        c.put("partition", name);
        c.put("rows", p.path("rowsEstimate").asLong());
        c.put("bytes", p.path("tableBytes").asLong() + p.path("indexBytes").asLong());
      }
    }
    for (JsonNode g : t.path("coverage").path("gaps")) {
      Matcher m = GAP.matcher(g.asText());
      if (m.matches() && !columns.containsKey(Instant.parse(m.group(1)))) {
        column(columns, m.group(1), m.group(2), MISSING);
      }
    }
    for (JsonNode d : t.path("coverage").path("defaultRows")) {
      Matcher m = DEFAULT.matcher(d.asText());
      if (m.matches()) {
        ObjectNode c = columns.get(Instant.parse(m.group(2)));
        if (c == null) {
          c = column(columns, m.group(2), null, DEFAULT_ROWS);
        } else if (c.path("state").asText().equals(MISSING)) {
          c.put("state", DEFAULT_ROWS);
        }
        c.put("defaultRows", Long.parseLong(m.group(1)));
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("table", t.path("table").asText());
    out.put("status", t.path("status").asText());
    ArrayNode cols = out.putArray("columns");
    columns.values().forEach(cols::add);
    ArrayNode r = out.putArray("retired");
    retired.forEach(r::add);
    return out;
  }

  private static ObjectNode column(Map<Instant, ObjectNode> columns, String from, String to, String state) {
    ObjectNode c = JSON.createObjectNode();
    c.put("from", from);
    c.put("to", to);
    c.put("state", state);
    columns.put(Instant.parse(from), c);
    return c;
  }

  private static String simple(String qualified) {
    return qualified.substring(qualified.indexOf('.') + 1);
  }
}
