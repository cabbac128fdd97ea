package io.pgrunbooks.api.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.api.RunService;
import io.pgrunbooks.api.insights.PartitionGrid;
import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pictures for the page: {@code GET /api/v1/insights/partitions} (the coverage grid of the latest
 * completed PartitionMaintenance of a cluster and database) and {@code GET /api/v1/insights/drills}
 * (completed FailoverDrill results over time, read as generic JSON).
 */
@Path("/v1/insights")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class InsightsResource {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final int LOOK_BACK = 50;

  private final RunService runs;

  public InsightsResource(RunService runs) {
    this.runs = runs;
  }

  @GET
  @Timed
  @Path("/partitions")
  public ObjectNode partitions(@QueryParam("cluster") String cluster, @QueryParam("database") String database) {
    require("cluster", cluster);
    require("database", database);
    for (RunService.Completed run : runs.completedResults(WorkflowTypes.PARTITION_MAINTENANCE, cluster, LOOK_BACK)) {
      if ((cluster + "/" + database).equals(run.result().path("report").path("target").asText())) {
        return PartitionGrid.of(run.workflowId(), run.result());
      }
    }
    ObjectNode none = JSON.createObjectNode();
    none.putNull("workflowId");
    none.put("target", cluster + "/" + database);
    none.putArray("tables");
    none.put("note", "no completed PartitionMaintenance run of " + cluster + "/" + database + " yet");
    return none;
  }

  /**
   * The latest completed QueryReport of the cluster and database: its result as the run returned it (statements,
   * plans, indexes, text), with the run's workflow id and UI link; {@code report: null} and a note when none ran.
   */
  @GET
  @Timed
  @Path("/query-report")
  public ObjectNode queryReport(@QueryParam("cluster") String cluster, @QueryParam("database") String database) {
    require("cluster", cluster);
    require("database", database);
    ObjectNode out = JSON.createObjectNode();
    out.put("target", cluster + "/" + database);
    for (RunService.Completed run : runs.completedResults(WorkflowTypes.QUERY_REPORT, cluster, LOOK_BACK)) {
      if ((cluster + "/" + database).equals(run.result().path("target").asText())) {
        out.put("workflowId", run.workflowId());
        out.put("uiUrl", runs.uiLink(run.workflowId()));
        out.set("report", run.result());
        return out;
      }
    }
    out.putNull("workflowId");
    out.putNull("report");
    out.put("note", "no completed QueryReport run of " + cluster + "/" + database + " yet");
    return out;
  }

  /** Each completed drill, oldest first: startedAt, passed, writeUnavailableMillis, timeToPromoteMillis, criteria. */
  @GET
  @Timed
  @Path("/drills")
  public ArrayNode drills(@QueryParam("cluster") String cluster) {
    List<ObjectNode> points = new ArrayList<>();
    for (RunService.Completed run : runs.completedResults(WorkflowTypes.FAILOVER_DRILL, blankToNull(cluster),
        LOOK_BACK)) {
      JsonNode r = run.result();
      ObjectNode p = JSON.createObjectNode();
      p.put("workflowId", run.workflowId());
      p.put("uiUrl", runs.uiLink(run.workflowId()));
      p.set("startedAt", first(r, "startedAt"));
      p.set("passed", first(r, "passed"));
      p.set("writeUnavailableMillis", first(r, "writeUnavailableMillis"));
      p.set("timeToPromoteMillis", first(r, "timeToPromoteMillis"));
      p.set("criteria", first(r, "criteria"));
      if (p.path("startedAt").isTextual()) {
        points.add(p);
      }
    }
    points.sort(Comparator.comparing(p -> p.path("startedAt").asText()));
    ArrayNode out = JSON.createArrayNode();
    points.forEach(out::add);
    return out;
  }

  /** The field at the top of the result, else in its report (drill results may nest it there). */
  private static JsonNode first(JsonNode result, String field) {
    JsonNode v = result.get(field);
    if (v == null || v.isNull()) {
      v = result.path("report").get(field);
    }
    return v == null ? JSON.nullNode() : v;
  }

  private static void require(String name, String value) {
    if (value == null || value.isBlank()) {
      throw InputProblem.of(name, "query parameter " + name + " is required");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
