package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanDigestTest {
  @Test
  void factsDigestIgnoresMapOrderButNotValues() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("rows", "1200");
    a.put("checksum", "abc");
    Map<String, String> b = new LinkedHashMap<>();
    b.put("checksum", "abc");
    b.put("rows", "1200");

    assertThat(PlanDigest.of(a)).isEqualTo(PlanDigest.of(b)).hasSize(64).matches("[0-9a-f]+");
    assertThat(PlanDigest.of(Map.of("rows", "1201", "checksum", "abc"))).isNotEqualTo(PlanDigest.of(a));
  }

  @Test
  void partsCannotBeShiftedIntoOneAnother() {
    assertThat(PlanDigest.of("a,b", "c")).isNotEqualTo(PlanDigest.of("a", "b,c"));
    assertThat(PlanDigest.of(List.of("DROP TABLE x", "DROP TABLE y")))
        .isNotEqualTo(PlanDigest.of(List.of("DROP TABLE y", "DROP TABLE x")));
  }

  @Test
  void requestWithoutDigestIsBoundToItsActionTargetAndEvidence() {
    ApprovalRequest r = ApprovalRequest.of("drop-partition", "drop partition public.x", "public.x", Map.of("rows", "1"));

    assertThat(r.planDigest()).isEqualTo(ApprovalRequest.of("drop-partition", "drop partition public.x", "public.x",
        Map.of("rows", "1")).planDigest());
    assertThat(r.planDigest()).isNotEqualTo(ApprovalRequest.of("drop-partition", "drop partition public.x", "public.y",
        Map.of("rows", "1")).planDigest());
    assertThat(r.withTimeout(java.time.Duration.ofMinutes(5)).planDigest()).isEqualTo(r.planDigest());
  }
}
