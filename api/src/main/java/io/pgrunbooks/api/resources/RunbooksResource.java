package io.pgrunbooks.api.resources;

import com.codahale.metrics.annotation.Timed;
import io.pgrunbooks.client.RunbookCatalog;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/runbooks}: the catalog of runbooks a person can start. */
@Path("/v1/runbooks")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class RunbooksResource {
  @GET
  @Timed
  public List<Map<String, Object>> catalog() {
    return RunbookCatalog.all().stream().map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("runbook", e.type());
      m.put("description", e.description());
      m.put("fields", e.fields());
      m.put("example", Map.of("runbook", e.type(), "input", e.example()));
      return m;
    }).toList();
  }
}
