package io.pgrunbooks.api.resources;

import com.codahale.metrics.annotation.Timed;
import io.pgrunbooks.api.RunService;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.insights.DrillTrend;
import io.pgrunbooks.api.reports.ReportStore;
import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.config.RunbooksConfig;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * {@code GET /api/v1/insights/restore-drills?cluster=&limit=}: the restore drill history the drills wrote to the
 * bucket ({@code <prefix>/.pg-runbooks/restore-drills/<cluster>/}), newest first, with the trend ({@link DrillTrend}).
 */
@Path("/v1/insights/restore-drills")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ApiUser.VIEWER, ApiUser.OPERATOR, ApiUser.APPROVER})
public final class RestoreDrillsResource {
  private final Optional<ReportStore> store;
  private final RunbooksConfig config;
  private final RunService runs;

  public RestoreDrillsResource(Optional<ReportStore> store, RunbooksConfig config, RunService runs) {
    this.store = store;
    this.config = config;
    this.runs = runs;
  }

  @GET
  @Timed
  public Response trend(@QueryParam("cluster") String cluster, @QueryParam("limit") String limit) {
    if (cluster == null || cluster.isBlank()) {
      throw InputProblem.of("cluster", "query parameter cluster is required, e.g. ?cluster=main");
    }
    int n;
    try {
      n = DrillTrend.limit(limit);
    } catch (IllegalArgumentException e) {
      throw InputProblem.of("limit", e.getMessage());
    }
    if (store.isEmpty()) {
      return ApiErrors.response(Response.Status.NOT_FOUND,
          "no archive bucket is configured (archive.bucket): restore drills keep no history");
    }
    String name = cluster.strip();
    ClusterConfig c = config.cluster(name);
    PgBackRestConfig pgbackrest = c == null ? null : c.pgbackrest();
    return Response.ok(DrillTrend.of(name, store.get().drillRecords(name, n),
        pgbackrest == null ? null : pgbackrest.rtoObjective(), pgbackrest == null ? null : pgbackrest.rpoObjective(),
        runs::uiLink)).build();
  }
}
