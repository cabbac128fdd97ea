package io.pgrunbooks.workflows.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.workflows.activities.ReportLayout.Entry;
import io.pgrunbooks.workflows.activities.ReportListing.Page;
import io.pgrunbooks.workflows.activities.ReportListing.Query;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportLayoutTest {
  private static final String ROOT = ReportLayout.root("archive/");

  private static AuditReport report(String runbook, String cluster, String workflowId, String runId, String finished,
                                    RunbookState outcome) {
    Instant end = Instant.parse(finished);
    return new AuditReport(workflowId, runId, Map.of("cluster", cluster),
        new RunReport(runbook, cluster, cluster, false, outcome, "s", List.of(), List.of(), List.of(), List.of(),
            List.of(), end.minusSeconds(5), end, 5000));
  }

  @Test
  void sameRunGivesTheSameKeyUnderTheDayItFinishedAndTheKeyParsesBack() {
    AuditReport r = report("ArchivePartition", "main", "archive-partition:main:app:public.t_2025_01", "run-1",
        "2026-12-06T23:59:58.123Z", RunbookState.TIMED_OUT);
    String key = ReportLayout.key(ROOT, r);

    assertThat(ReportLayout.key(ROOT, r)).isEqualTo(key);
    assertThat(key).startsWith("archive/reports/2026-12-06/ArchivePartition/main/235958123Z.TIMED_OUT.run-1.");
    Entry e = ReportLayout.parse(ROOT, key);
    assertThat(e.workflowId()).isEqualTo("archive-partition:main:app:public.t_2025_01");
    assertThat(e.runId()).isEqualTo("run-1");
    assertThat(e.outcome()).isEqualTo("TIMED_OUT");
    assertThat(e.cluster()).isEqualTo("main");
    assertThat(e.finishedAt()).isEqualTo(Instant.parse("2026-12-06T23:59:58.123Z"));
    assertThat(ReportLayout.isId(e.id())).isTrue();
    assertThat(ReportLayout.parse(ROOT, "archive/main/app/public/t/t_2025_01/manifest.json")).isNull();
    assertThat(ReportLayout.isId("../../etc/passwd")).isFalse();
  }

  @Test
  void secretLookingInputFieldsAreRemovedAndNamed() {
    JsonNode input = DataConverters.objectMapper().valueToTree(Map.of("cluster", "main",
        "options", Map.of("apiKey", "k", "passwordFile", "/x"), "token", "t"));
    List<String> removed = ReportLayout.redact(input);

    assertThat(removed).containsExactlyInAnyOrder("options.apiKey", "options.passwordFile", "token");
    assertThat(input.toString()).doesNotContain("\"k\"").doesNotContain("/x").contains("main");
  }

  @Test
  void listingPagesNewestFirstAcrossDaysAndFiltersByRunbookAndCluster() {
    List<String> keys = new ArrayList<>();
    for (int day = 1; day <= 4; day++) {
      for (int h = 10; h <= 12; h++) {
        keys.add(ReportLayout.key(ROOT, report("HealthCheck", h == 11 ? "other" : "main", "health-check:x", "r" + day + h,
            "2026-12-0" + day + "T" + h + ":00:00Z", RunbookState.COMPLETED)));
      }
      keys.add(ReportLayout.key(ROOT, report("Backup", "main", "backup:main:app", "b" + day,
          "2026-12-0" + day + "T09:00:00Z", RunbookState.FAILED)));
    }
    List<String> listed = new ArrayList<>();
    java.util.function.Function<String, List<String>> list = prefix -> {
      listed.add(prefix);
      return keys.stream().filter(k -> k.startsWith(prefix)).toList();
    };

    Query q = new Query(LocalDate.parse("2026-12-02"), LocalDate.parse("2026-12-04"), "HealthCheck", "main", 4, null);
    Page first = ReportListing.page(ROOT, q, list);
    assertThat(first.reports()).extracting(Entry::runId).containsExactly("r412", "r410", "r312", "r310");
    assertThat(listed).allMatch(p -> p.endsWith("/HealthCheck/main/"));

    Page second = ReportListing.page(ROOT, new Query(q.from(), q.to(), "HealthCheck", "main", 4, first.nextPageToken()), list);
    assertThat(second.reports()).extracting(Entry::runId).containsExactly("r212", "r210");
    assertThat(second.nextPageToken()).isNull();

    Page anyRunbookOtherCluster = ReportListing.page(ROOT,
        new Query(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-04"), null, "other", 10, null), list);
    assertThat(anyRunbookOtherCluster.reports()).extracting(Entry::runId).containsExactly("r411", "r311", "r211", "r111");
  }

  @Test
  void badQueriesAreRefusedInWordsBeforeAnyListing() {
    assertThat(new Query(LocalDate.parse("2026-12-05"), LocalDate.parse("2026-12-01"), null, null, 10, null).problem())
        .contains("is after");
    assertThat(new Query(LocalDate.parse("2025-01-01"), LocalDate.parse("2026-12-01"), null, null, 10, null).problem())
        .contains("more than 366 days");
    assertThat(new Query(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-01"), null, null, 0, null).problem())
        .contains("limit");
    assertThatThrownBy(() -> ReportListing.page(ROOT,
        new Query(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-01"), null, null, 10, "x/../y"), p -> {
          throw new AssertionError("listed " + p);
        })).hasMessageContaining("pageToken");
  }
}
