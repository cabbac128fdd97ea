package io.pgrunbooks.workflows.partitionmaintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.Delegation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetirementPlanTest {
  private static PartitionCount count(String name, long rows) {
    return new PartitionCount(name, "2000-01-01T00:00:00Z", "2000-02-01T00:00:00Z", rows, 8192, "ab".repeat(32));
  }

  private static List<ExpiredEvidence> tables(int n, boolean archive, long rows) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> new ExpiredEvidence("public.t" + i, archive,
        List.of(count("public.t" + i + "_2000_01", rows)))).toList();
  }

  @Test
  void aSetWithArchivesIsOneRetirePartitionsRequestAndDropsOnlyKeepTheirDropPartitionsStep() {
    List<ExpiredEvidence> mixed = new ArrayList<>(tables(2, true, 10));
    mixed.add(new ExpiredEvidence("public.d", false, List.of(count("public.d_2000_01", 3))));

    ApprovalRequest r = RetirementPlan.request("main", "app", mixed, 4);

    assertThat(r.step()).isEqualTo("retire-partitions");
    assertThat(r.target()).isEqualTo("main/app");
    assertThat(r.action()).isEqualTo("ARCHIVE to S3, verify and DROP 2 expired partitions (ArchivePartition children,"
        + " 4 at once, each dropping only the exact rows and hash shown here); DROP TABLE 1 expired partitions"
        + " (no archive) of 3 tables");
    assertThat(r.evidence()).containsEntry("public.d_2000_01", "[2000-01-01T00:00:00Z, 2000-02-01T00:00:00Z): 3 rows"
        + " (exact), 8192 bytes, CSV SHA-256 " + "ab".repeat(32) + "; drop (no archive)");
    assertThat(r.planDigest()).isEqualTo(Delegation.digest("retire-partitions", RetirementPlan.items(mixed)));
    assertThat(RetirementPlan.items(mixed)).contains("archive public.t1_2000_01|2000-01-01T00:00:00Z|"
        + "2000-02-01T00:00:00Z|10|" + "ab".repeat(32), "drop public.d_2000_01|2000-01-01T00:00:00Z|"
        + "2000-02-01T00:00:00Z|3|" + "ab".repeat(32));
    assertThat(RetirementPlan.request("main", "app", tables(2, false, 10), 4).step()).isEqualTo("drop-partitions");
  }

  @Test
  void aLargeSetShowsFortyPartitionsAndSummarisesTheRestWhileTheDigestCoversEveryOne() {
    List<ExpiredEvidence> many = tables(45, false, 10);

    ApprovalRequest r = RetirementPlan.request("main", "app", many, 4);

    assertThat(r.evidence()).hasSize(41).containsKey("public.t40_2000_01").doesNotContainKey("public.t41_2000_01")
        .containsEntry("and 5 more partitions", "50 rows (exact), 40960 bytes in total; each one with its bounds,"
            + " rows and CSV SHA-256 is in this run's log (details)");
    assertThat(RetirementPlan.fullList(many)).hasSize(45).last().asString().startsWith("evidence public.t45_2000_01 [");
    assertThat(RetirementPlan.fullList(tables(40, false, 10))).isEmpty();
    List<ExpiredEvidence> moved = new ArrayList<>(many);
    moved.set(44, new ExpiredEvidence("public.t45", false, List.of(count("public.t45_2000_01", 11))));
    assertThat(RetirementPlan.request("main", "app", moved, 4).planDigest()).isNotEqualTo(r.planDigest());
  }
}
