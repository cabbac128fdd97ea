package io.pgrunbooks.api.resources;

import com.codahale.metrics.annotation.Timed;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.reports.ReportStore;
import io.pgrunbooks.api.paging.Cursor;
import io.pgrunbooks.api.paging.PageRequest;
import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.workflows.activities.ReportLayout;
import io.pgrunbooks.workflows.activities.ReportListing;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/reports} (newest first, filters {@code runbook}, {@code cluster}, {@code from},
 * {@code to}, paging by {@code limit} and {@code pageToken}) and {@code GET /api/v1/reports/{id}}: the run
 * reports the runs wrote to the bucket, readable after Temporal's retention removed the runs.
 */
@Path("/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ApiUser.VIEWER, ApiUser.OPERATOR, ApiUser.APPROVER})
public final class ReportsResource {
  private static final int DEFAULT_DAYS = 30;
  private static final int DEFAULT_LIMIT = 50;

  private final Optional<ReportStore> store;
  private final Clock clock;

  public ReportsResource(Optional<ReportStore> store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @GET
  @Timed
  public Response list(@QueryParam("runbook") String runbook, @QueryParam("cluster") String cluster,
                       @QueryParam("from") String from, @QueryParam("to") String to,
                       @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                       @QueryParam("pageToken") String pageToken) {
    String filter = runbook + "|" + cluster + "|" + from + "|" + to;
    PageRequest page = PageRequest.parse("reports", filter, limit, cursor, DEFAULT_LIMIT, ReportListing.MAX_LIMIT);
    LocalDate end = to == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : date("to", to);
    LocalDate start = from == null ? end.minusDays(DEFAULT_DAYS - 1) : date("from", from);
    // pageToken (the last report id of the previous page) is the older spelling of cursor, still accepted.
    String after = page.position() != null ? page.position() : blankToNull(pageToken);
    ReportListing.Query q = new ReportListing.Query(start, end, blankToNull(runbook), blankToNull(cluster),
        page.limit(), after);
    if (q.problem() != null) {
      throw InputProblem.of(null, q.problem());
    }
    if (store.isEmpty()) {
      return noStore();
    }
    ReportListing.Page found = store.get().list(q);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", start.toString());
    body.put("to", end.toString());
    body.put("reports", found.reports().stream().map(ReportsResource::entry).toList());
    body.put("nextCursor", found.nextPageToken() == null ? null
        : Cursor.encode("reports", filter, found.nextPageToken()));
    body.put("nextPageToken", found.nextPageToken());
    return Response.ok(body).build();
  }

  @GET
  @Path("{id: .+}")
  @Timed
  public Response get(@PathParam("id") String id) {
    if (!ReportLayout.isId(id)) {
      throw InputProblem.of("id", "not a report id (as GET /api/v1/reports lists them): '" + id + "'");
    }
    if (store.isEmpty()) {
      return noStore();
    }
    return store.get().get(id).map(r -> Response.ok(r).build())
        .orElseGet(() -> ApiErrors.response(Response.Status.NOT_FOUND, "no report " + id));
  }

  /** One listed report; times as ISO text, whatever the mapper's date settings. */
  static Map<String, Object> entry(ReportLayout.Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("runbook", e.runbook());
    m.put("cluster", ReportLayout.NO_CLUSTER.equals(e.cluster()) ? null : e.cluster());
    m.put("outcome", e.outcome());
    m.put("finishedAt", e.finishedAt().toString());
    m.put("workflowId", e.workflowId());
    m.put("runId", e.runId());
    return m;
  }

  private static Response noStore() {
    return ApiErrors.response(Response.Status.NOT_FOUND,
        "no archive bucket is configured (archive.bucket): runs keep their reports only in Temporal");
  }

  private static LocalDate date(String field, String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw InputProblem.of(field, field + " must be a date yyyy-MM-dd, got '" + value + "'");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
