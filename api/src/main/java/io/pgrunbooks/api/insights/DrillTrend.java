package io.pgrunbooks.api.insights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.DataConverters;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The restore drill trend of a cluster from its stored drill records (pure): each drill (newest first) with RTO,
 * RPO and verdict, the pass rate, the last passed drill and the objectives, so a reader sees at a glance whether
 * restores are getting slower and when a backup was last proven restorable.
 */
public final class DrillTrend {
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  /** Default and largest {@code limit} of the endpoint. */
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 200;

  private DrillTrend() {}

  /** The {@code limit} query parameter: default {@value #DEFAULT_LIMIT}, 1 to {@value #MAX_LIMIT}. */
  public static int limit(String raw) {
    if (raw == null || raw.isBlank()) {
      return DEFAULT_LIMIT;
    }
    int n;
    try {
      n = Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + raw + "'");
    }
    if (n < 1 || n > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", got " + n);
    }
    return n;
  }

  /**
   * @param records stored drill records, newest first (as {@code ReportStore.drillRecords} returns them)
   * @param rtoObjective the cluster's {@code rtoObjective}, null when none is configured
   * @param rpoObjective the cluster's {@code rpoObjective}, null when none is configured
   * @param uiLink the Temporal UI link of a workflow id
   */
  public static ObjectNode of(String cluster, List<JsonNode> records, Duration rtoObjective, Duration rpoObjective,
                              UnaryOperator<String> uiLink) {
    ObjectNode out = JSON.createObjectNode();
    out.put("cluster", cluster);
    ObjectNode objectives = out.putObject("objectives");
    putSeconds(objectives, "rtoSeconds", rtoObjective);
    putSeconds(objectives, "rpoSeconds", rpoObjective);
    ArrayNode drills = out.putArray("drills");
    int passed = 0;
    JsonNode lastPassed = null;
    for (JsonNode r : records) {
      ObjectNode d = drills.addObject();
      for (String f : List.of("startedAt", "backupLabel", "target", "rtoSeconds", "rpoSeconds", "passed",
          "failedChecks", "workflowId", "runId")) {
        d.set(f, r.has(f) ? r.get(f) : JSON.nullNode());
      }
      d.put("uiUrl", uiLink.apply(r.path("workflowId").asText()));
      if (r.path("passed").asBoolean()) {
        passed++;
        if (lastPassed == null) {
          lastPassed = d;
        }
      }
    }
    out.put("count", records.size());
    out.put("passed", passed);
    if (records.isEmpty()) {
      out.putNull("passRate");
      out.put("note", "no restore drill of " + cluster + " recorded yet (drills record themselves since issue 19)");
    } else {
      out.put("passRate", Math.round(1000.0 * passed / records.size()) / 1000.0);
    }
    out.set("lastPassed", lastPassed == null ? JSON.nullNode() : lastPassed.deepCopy());
    return out;
  }

  private static void putSeconds(ObjectNode o, String field, Duration d) {
    if (d == null) {
      o.putNull(field);
    } else {
      o.put(field, d.toSeconds());
    }
  }
}
