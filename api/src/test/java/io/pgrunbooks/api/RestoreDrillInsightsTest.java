package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.api.ApiFixture.Reply;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /api/v1/insights/restore-drills} against drill records stored in the real S3 store of the stack:
 * newest first, the trend, the limit, the roles and the errors of bad queries.
 */
@ExtendWith(ApiFixture.Extension.class)
class RestoreDrillInsightsTest {
  private final ApiFixture api = ApiFixture.get();

  @Test
  void storedDrillsAreListedNewestFirstWithTheirTrend() {
    String cluster = "drilled-" + UUID.randomUUID().toString().substring(0, 8);
    StoredDrills.store(api, List.of(
        StoredDrills.drill(cluster, "2026-11-01T05:00:00Z", true, 40.5, 12, List.of()),
        StoredDrills.drill(cluster, "2026-11-08T05:00:00Z", false, -1, 30, List.of("restore")),
        StoredDrills.drill(cluster, "2026-11-15T05:00:00Z", true, 44.0, 8, List.of()),
        StoredDrills.drill(cluster, "2026-11-22T05:00:00Z", false, 95.0, 9, List.of("RTO objective"))));

    Reply reply = api.get("victor", "/api/v1/insights/restore-drills?cluster=" + cluster);

    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    JsonNode t = reply.json();
    assertThat(t.path("cluster").asText()).isEqualTo(cluster);
    assertThat(t.path("drills").findValuesAsText("startedAt")).containsExactly("2026-11-22T05:00:00Z",
        "2026-11-15T05:00:00Z", "2026-11-08T05:00:00Z", "2026-11-01T05:00:00Z");
    assertThat(t.at("/drills/0/rtoSeconds").asDouble()).isEqualTo(95.0);
    assertThat(t.at("/drills/0/failedChecks/0").asText()).isEqualTo("RTO objective");
    assertThat(t.at("/drills/2/rtoSeconds").asDouble()).isEqualTo(-1);
    assertThat(t.at("/drills/0/uiUrl").asText()).contains("restore-drill");
    assertThat(t.path("count").asInt()).isEqualTo(4);
    assertThat(t.path("passed").asInt()).isEqualTo(2);
    assertThat(t.path("passRate").asDouble()).isEqualTo(0.5);
    assertThat(t.at("/lastPassed/startedAt").asText()).isEqualTo("2026-11-15T05:00:00Z");
    assertThat(t.at("/objectives/rtoSeconds").isNull()).as("%s has no pgbackrest section", cluster).isTrue();

    JsonNode two = api.get("tess", "/api/v1/insights/restore-drills?cluster=" + cluster + "&limit=2").json();
    assertThat(two.path("drills").findValuesAsText("startedAt")).containsExactly("2026-11-22T05:00:00Z",
        "2026-11-15T05:00:00Z");
  }

  @Test
  void aClusterWithoutDrillsSaysSo() {
    JsonNode t = api.get("bob", "/api/v1/insights/restore-drills?cluster=nowhere").json();

    assertThat(t.path("drills").size()).isZero();
    assertThat(t.path("passRate").isNull()).isTrue();
    assertThat(t.path("lastPassed").isNull()).isTrue();
    assertThat(t.path("note").asText()).contains("no restore drill of nowhere recorded yet");
  }

  @Test
  void badQueriesAndUsersWithoutAViewingRoleAreRefused() {
    Reply noCluster = api.get("victor", "/api/v1/insights/restore-drills");
    assertThat(noCluster.status()).isEqualTo(422);
    assertThat(noCluster.text()).contains("query parameter cluster is required");
    Reply badLimit = api.get("victor", "/api/v1/insights/restore-drills?cluster=main&limit=lots");
    assertThat(badLimit.status()).isEqualTo(422);
    assertThat(badLimit.text()).contains("limit must be a whole number from 1 to 200, got 'lots'");
    assertThat(api.get("victor", "/api/v1/insights/restore-drills?cluster=main&limit=201").text())
        .contains("limit must be from 1 to 200, got 201");
    assertThat(api.get("carol", "/api/v1/insights/restore-drills?cluster=main").status()).isEqualTo(403);
    assertThat(api.get(null, "/api/v1/insights/restore-drills?cluster=main").status()).isEqualTo(401);
  }
}
