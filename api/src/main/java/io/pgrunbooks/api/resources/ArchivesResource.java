package io.pgrunbooks.api.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.api.RunService;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ArchiveLayout;
import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.pgrunbooks.api.paging.Cursor;
import io.pgrunbooks.api.paging.KeysetPage;
import io.pgrunbooks.api.paging.PageRequest;

/**
 * {@code GET /api/v1/archives?cluster=&database=&table=}: the archives of a partition (or of every
 * partition of a parent), newest first, with rows, bytes, time and hash, as the completed
 * ArchivePartition runs recorded them (the API never touches a database or the bucket; {@code runbooks
 * archives} reads the bucket itself and also lists archives whose runs Temporal no longer keeps).
 */
@Path("/v1/archives")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ApiUser.VIEWER, ApiUser.OPERATOR, ApiUser.APPROVER})
public final class ArchivesResource {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final int LOOK_BACK = 500;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;

  private final RunService runs;
  private final RunbooksConfig config;

  public ArchivesResource(RunService runs, RunbooksConfig config) {
    this.runs = runs;
    this.config = config;
  }

  @GET
  @Timed
  public Map<String, Object> list(@QueryParam("cluster") String cluster, @QueryParam("database") String database,
                                  @QueryParam("table") String table, @QueryParam("limit") String limit,
                                  @QueryParam("cursor") String cursor) {
    if (cluster == null || config.cluster(cluster) == null) {
      throw InputProblem.of("cluster", "unknown cluster '" + cluster + "'");
    }
    if (database == null || config.cluster(cluster).database(database) == null) {
      throw InputProblem.of("database", "database '" + database + "' of cluster " + cluster + " has no runbook settings");
    }
    if (table == null || !table.matches("[^./]+\\.[^./]+")) {
      throw InputProblem.of("table", "table must be schema.name of a partition or its parent, got '" + table + "'");
    }
    String filter = cluster + "/" + database + "/" + table;
    PageRequest request = PageRequest.parse("archives", filter, limit, cursor, DEFAULT_LIMIT, MAX_LIMIT);
    List<JsonNode> all = new ArrayList<>();
    entries(ArchiveLayout.root(config.archive().prefix()), cluster, database, table,
        runs.completedResults(WorkflowTypes.ARCHIVE_PARTITION, cluster, LOOK_BACK)).forEach(all::add);
    // Newest first; the manifest key (one per archive) breaks ties, so the order is total and stable.
    KeysetPage<JsonNode> page = KeysetPage.of(all, e -> KeysetPage.key(
        KeysetPage.timeKey(e.path("archivedAt").asText(null), true), e.path("manifestKey").asText()), request);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("archives", page.items());
    body.put("nextCursor", page.nextPosition() == null ? null : Cursor.encode("archives", filter, page.nextPosition()));
    return body;
  }

  /** The archives of {@code table} among completed ArchivePartition results, newest first. */
  static ArrayNode entries(String root, String cluster, String database, String table, List<RunService.Completed> done) {
    String schema = table.substring(0, table.indexOf('.'));
    String name = table.substring(table.indexOf('.') + 1);
    List<ObjectNode> found = new ArrayList<>();
    for (RunService.Completed run : done) {
      JsonNode r = run.result();
      ArchiveLayout.Parsed key = ArchiveLayout.parse(root, r.path("manifestKey").asText(null));
      if (key == null || !key.cluster().equals(cluster) || !key.database().equals(database) || !key.schema().equals(schema)
          || !(key.parent().equals(name) || key.partition().equals(name))) {
        continue;
      }
      ObjectNode e = JSON.createObjectNode();
      e.put("manifestKey", r.path("manifestKey").asText());
      e.put("layout", key.runId() == null ? "legacy" : "run");
      e.put("partition", key.schema() + "." + key.partition());
      e.put("parent", key.schema() + "." + key.parent());
      e.put("workflowId", run.workflowId());
      e.put("runId", run.runId());
      e.set("archivedAt", r.path("archivedAt").isMissingNode() ? JSON.nullNode() : r.path("archivedAt"));
      e.put("rows", r.path("rows").asLong(-1));
      e.put("csvBytes", r.path("csvBytes").asLong(-1));
      e.put("objectBytes", r.path("objectBytes").asLong(-1));
      e.set("sha256Csv", r.path("sha256Csv").isMissingNode() ? JSON.nullNode() : r.path("sha256Csv"));
      e.put("archiveUri", r.path("archiveUri").asText());
      e.put("dropped", r.path("dropped").asBoolean());
      found.add(e);
    }
    found.sort(Comparator.comparing((ObjectNode e) -> e.path("archivedAt").asText("")).reversed());
    ArrayNode out = JSON.createArrayNode();
    found.forEach(out::add);
    return out;
  }
}
