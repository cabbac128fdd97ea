package io.pgrunbooks.api.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.api.RunService;
import io.pgrunbooks.workflows.common.DataConverters;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which recorded ArchivePartition results {@code GET /api/v1/archives} lists, and in which order. */
class ArchivesResourceTest {
  private static RunService.Completed run(String id, String json) throws Exception {
    JsonNode result = DataConverters.objectMapper().readTree(json);
    return new RunService.Completed(id, id + "-run", result);
  }

  @Test
  void listsTheArchivesOfAPartitionOrItsParentNewestFirstInBothLayouts() throws Exception {
    List<RunService.Completed> done = List.of(
        run("a1", "{\"manifestKey\": \"pg/main/app/public/events/events_2025_01/manifest.json\", \"rows\": 10,"
            + " \"archiveUri\": \"s3://b/pg/main/app/public/events/events_2025_01/data.csv.gz\", \"dropped\": true}"),
        run("a2", "{\"manifestKey\": \"pg/main/app/public/events/events_2025_01/run-r2/manifest.json\", \"rows\": 12,"
            + " \"csvBytes\": 900, \"objectBytes\": 300, \"sha256Csv\": \"ab\", \"archivedAt\": \"2026-03-01T00:00:00Z\","
            + " \"archiveUri\": \"s3://b/x\", \"dropped\": true}"),
        run("a3", "{\"manifestKey\": \"pg/main/app/public/events/events_2025_02/run-r3/manifest.json\", \"rows\": 5,"
            + " \"archivedAt\": \"2026-04-01T00:00:00Z\"}"),
        run("other-db", "{\"manifestKey\": \"pg/main/other/public/events/events_2025_01/run-r4/manifest.json\"}"),
        run("dry-run", "{\"manifestKey\": null}"));

    JsonNode partition = ArchivesResource.entries("pg/", "main", "app", "public.events_2025_01", done);
    JsonNode parent = ArchivesResource.entries("pg/", "main", "app", "public.events", done);

    assertThat(partition).hasSize(2);
    assertThat(partition.get(0).path("workflowId").asText()).isEqualTo("a2");
    assertThat(partition.get(0).path("layout").asText()).isEqualTo("run");
    assertThat(partition.get(0).path("sha256Csv").asText()).isEqualTo("ab");
    assertThat(partition.get(0).path("objectBytes").asLong()).isEqualTo(300);
    assertThat(partition.get(1).path("layout").asText()).isEqualTo("legacy");
    assertThat(partition.get(1).path("csvBytes").asLong()).isEqualTo(-1);
    assertThat(partition.get(1).path("sha256Csv").isNull()).isTrue();
    assertThat(parent).extracting(n -> n.path("workflowId").asText()).containsExactly("a3", "a2", "a1");
  }
}
