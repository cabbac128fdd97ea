package io.pgrunbooks.api.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillTrendTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode drill(String startedAt, boolean passed, double rto) {
    ObjectNode d = JSON.createObjectNode();
    d.put("format", "pg-runbooks-restore-drill/1");
    d.put("startedAt", startedAt);
    d.put("backupLabel", "20261201-010000F");
    d.put("rtoSeconds", rto);
    d.put("rpoSeconds", 7);
    d.put("passed", passed);
    d.putArray("failedChecks");
    d.put("workflowId", "restore-drill:main");
    d.put("runId", "r-" + startedAt);
    return d;
  }

  @Test
  void theTrendCountsPassesAndNamesTheNewestPassedDrillAndTheObjectives() {
    ObjectNode t = DrillTrend.of("main", List.of(drill("2026-11-22T05:00:00Z", false, 95),
        drill("2026-11-15T05:00:00Z", true, 44), drill("2026-11-08T05:00:00Z", true, 40)),
        Duration.ofMinutes(15), null, id -> "http://ui/" + id);

    assertThat(t.path("count").asInt()).isEqualTo(3);
    assertThat(t.path("passed").asInt()).isEqualTo(2);
    assertThat(t.path("passRate").asDouble()).isEqualTo(0.667);
    assertThat(t.at("/lastPassed/startedAt").asText()).isEqualTo("2026-11-15T05:00:00Z");
    assertThat(t.at("/objectives/rtoSeconds").asLong()).isEqualTo(900);
    assertThat(t.at("/objectives/rpoSeconds").isNull()).isTrue();
    assertThat(t.at("/drills/0/uiUrl").asText()).isEqualTo("http://ui/restore-drill:main");
    assertThat(t.at("/drills/0").has("format")).isFalse();
    assertThat(t.has("note")).isFalse();
  }

  @Test
  void noDrillsHaveNoPassRateAndANote() {
    ObjectNode t = DrillTrend.of("main", List.of(), null, null, id -> id);

    assertThat(t.path("passRate").isNull()).isTrue();
    assertThat(t.path("lastPassed").isNull()).isTrue();
    assertThat(t.path("note").asText()).startsWith("no restore drill of main recorded yet");
  }

  @Test
  void theLimitDefaultsTo20AndRefusesNonsense() {
    assertThat(DrillTrend.limit(null)).isEqualTo(20);
    assertThat(DrillTrend.limit(" 5 ")).isEqualTo(5);
    assertThatThrownBy(() -> DrillTrend.limit("0")).hasMessage("limit must be from 1 to 200, got 0");
    assertThatThrownBy(() -> DrillTrend.limit("x")).hasMessage("limit must be a whole number from 1 to 200, got 'x'");
  }
}
