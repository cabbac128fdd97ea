package io.pgrunbooks.workflows.repack;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Repack's headroom and evidence rules, without Temporal. */
class RepackRulesTest {
  private static final long MB = 1024L * 1024;

  private static RepackFacts facts(long fresh, long indexFresh) {
    return new RepackFacts("pg1", "public.t", 1000 * MB, fresh, 100, 400,
        List.of(new IndexSize("public.t_pkey", true, 300 * MB, indexFresh)), "t_pkey (primary key)", null, null,
        List.of(), List.of());
  }

  @Test
  void headroomCountsTheFreshCopyWhenEstimatedAndTheWholeTableWhenNot() {
    // estimates known: (200 + 60) MB x 1.5 + 256 MB reserve
    assertThat(RepackRules.bytesNeeded(facts(200 * MB, 60 * MB))).isEqualTo((long) (260 * MB * 1.5) + 256 * MB);
    // no statistics, no HypoPG: the current sizes (1000 + 300) MB
    assertThat(RepackRules.bytesNeeded(facts(-1, -1))).isEqualTo((long) (1300 * MB * 1.5) + 256 * MB);
    // an estimate above the current size never asks for more than the current size
    assertThat(RepackRules.bytesNeeded(facts(5000 * MB, -1))).isEqualTo((long) (1300 * MB * 1.5) + 256 * MB);
    assertThat(RepackRules.headroomProblem(facts(200 * MB, 60 * MB), 700 * MB)).isNull();
    assertThat(RepackRules.headroomProblem(facts(-1, -1), 600 * MB)).startsWith("not enough disk: 629145600 bytes free");
  }

  @Test
  void bloatEvidenceNamesRatioAndDeadShareOrSaysThereIsNoEstimate() {
    assertThat(RepackRules.tableBloat(facts(200 * MB, 60 * MB))).isEqualTo(
        "1048576000 bytes, fresh copy ~209715200 (x5.0), 80% dead tuples");
    assertThat(RepackRules.tableBloat(facts(-1, -1))).contains("no estimate of a fresh copy (table not analyzed)");
  }
}
