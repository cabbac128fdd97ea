package io.pgrunbooks.api.insights;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.workflows.common.DataConverters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionGridTest {
  private static final String RESULT = """
      {"report": {"target": "main/app", "dryRun": false, "finishedAt": "2026-11-01T00:00:00Z",
                  "plan": ["DROP TABLE public.t_2024_02"]},
       "tables": [{"table": "public.t", "status": "ATTENTION",
         "created": ["public.t_2026_12"],
         "retired": ["public.t_2024_01"],
         "coverage": {"gaps": ["[2026-10-01T00:00:00Z, 2026-11-01T00:00:00Z) (missing in the middle) not covered",
                               "[2026-11-01T00:00:00Z, 2026-12-01T00:00:00Z) not covered"],
                      "overlaps": [], "unexpectedNames": [],
                      "defaultRows": ["42 rows in the default partition public.t_default for the month starting 2026-10-01T00:00:00Z"]},
         "stats": [
           {"name": "public.t_2024_01", "from": "2024-01-01T00:00:00Z", "to": "2024-02-01T00:00:00Z", "rowsEstimate": 10},
           {"name": "public.t_2024_02", "from": "2024-02-01T00:00:00Z", "to": "2024-03-01T00:00:00Z", "rowsEstimate": 11},
           {"name": "public.t_2026_09", "from": "2026-09-01T00:00:00Z", "to": "2026-10-01T00:00:00Z", "rowsEstimate": 12},
           {"name": "public.t_2026_12", "from": "2026-12-01T00:00:00Z", "to": "2027-01-01T00:00:00Z", "rowsEstimate": 0},
           {"name": "public.t_default", "from": null, "to": null}]}]}
      """;

  @Test
  void cellsSayExistingCreatedExpiredMissingAndDefaultRowsInIntervalOrder() throws Exception {
    JsonNode result = DataConverters.objectMapper().readTree(RESULT);
    JsonNode table = PartitionGrid.of("partition-maintenance:main:app", result).path("tables").get(0);
    List<String> cells = new ArrayList<>();
    table.path("columns").forEach(c -> cells.add(c.path("from").asText().substring(0, 7) + " " + c.path("state").asText()));
    assertThat(cells).containsExactly(
        "2024-01 expired", "2024-02 expired", "2026-09 exists", "2026-10 default-rows", "2026-11 missing",
        "2026-12 created");
    assertThat(table.path("columns").get(3).path("defaultRows").asLong()).isEqualTo(42);
    assertThat(table.path("retired").get(0).asText()).isEqualTo("public.t_2024_01");
  }
}
