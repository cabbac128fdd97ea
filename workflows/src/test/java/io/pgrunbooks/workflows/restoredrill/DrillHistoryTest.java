package io.pgrunbooks.workflows.restoredrill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillHistoryTest {
  private static DrillRecord record(String cluster, String startedAt, String runId) {
    return new DrillRecord(cluster, startedAt, "20261206-040000F", "2026-12-06 05:00:02.345678+00", 7.4, 0, true,
        List.of(), "restore-drill:" + cluster, runId);
  }

  @Test
  void oneKeyPerRunUnderTheClustersFolderSortedByStartTime() {
    String early = DrillHistory.key("backups/", record("main", "2026-12-06T05:00:00.123Z", "r-1"));
    String late = DrillHistory.key("backups/", record("main", "2026-12-13T05:00:00Z", "r-2"));

    assertThat(early).isEqualTo("backups/.pg-runbooks/restore-drills/main/20261206T050000123Z.r-1.json");
    assertThat(DrillHistory.key("backups/", record("main", "2026-12-06T05:00:00.123Z", "r-1"))).isEqualTo(early);
    assertThat(List.of(late, early).stream().sorted().toList()).containsExactly(early, late);
    assertThat(DrillHistory.folder(null, "eu/west")).isEqualTo(".pg-runbooks/restore-drills/eu~2Fwest/");
  }

  @Test
  void theStoredJsonCarriesTheFormatAndEveryField() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(DrillHistory.json(record("main", "2026-12-06T05:00:00Z", "r-1")));

    assertThat(doc.path("format").asText()).isEqualTo(DrillHistory.FORMAT);
    assertThat(doc.path("backupLabel").asText()).isEqualTo("20261206-040000F");
    assertThat(doc.path("rtoSeconds").asDouble()).isEqualTo(7.4);
    assertThat(doc.path("passed").asBoolean()).isTrue();
    assertThat(doc.path("failedChecks").isArray()).isTrue();
    assertThat(doc.path("runId").asText()).isEqualTo("r-1");
  }
}
