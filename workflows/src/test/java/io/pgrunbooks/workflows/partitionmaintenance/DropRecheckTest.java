package io.pgrunbooks.workflows.partitionmaintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableDropped;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropRecheckTest {
  private static final TableDropped FAILED = new TableDropped("public.t", List.of(), List.of(), "connection reset");

  private static PartitionCount approved(String name) {
    return new PartitionCount(name, "2000-01-01T00:00:00Z", "2000-02-01T00:00:00Z", 1, 8192, "0".repeat(64));
  }

  private static TableFacts holding(String... names) {
    return new TableFacts("public.t", "created_at", "timestamptz", List.of(names).stream()
        .map(n -> new PartitionFacts(n, null, null, "", 0, 0, 0)).toList(), null, List.of());
  }

  @Test
  void everyApprovedPartitionGoneMeansTheTableWasDroppedAndDidNotFail() {
    TableDropped d = DropRecheck.of(List.of(approved("public.a"), approved("public.b")), holding("public.c"), FAILED);

    assertThat(d.dropped()).containsExactly("public.a", "public.b");
    assertThat(d.error()).isNull();
  }

  @Test
  void partlyGoneReportsTheGoneOnesDroppedAndKeepsTheFailureWithCounts() {
    TableDropped d = DropRecheck.of(List.of(approved("public.a"), approved("public.b")), holding("public.b"), FAILED);

    assertThat(d.dropped()).containsExactly("public.a");
    assertThat(d.error()).isEqualTo("connection reset; 1 of 2 approved partitions are gone (dropped)");
  }

  @Test
  void nothingGoneKeepsTheFailureAndSaysSo() {
    TableDropped d = DropRecheck.of(List.of(approved("public.a")), holding("public.a"), FAILED);

    assertThat(d.dropped()).isEmpty();
    assertThat(d.error()).isEqualTo("connection reset; every approved partition is still there");
  }
}
