package io.pgrunbooks.workflows.partitionmaintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TableBatchesTest {
  private static List<Integer> tables(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void tablesSpreadOverEveryParallelSlotInOneWave() {
    List<List<Integer>> b = TableBatches.split(tables(200), 4);
    assertEquals(4, b.size());
    assertEquals(List.of(50, 50, 50, 50), b.stream().map(List::size).toList());
    assertEquals(tables(200), b.stream().flatMap(List::stream).toList());
  }

  @Test
  void aBatchNeverExceedsTheMostTablesPerActivity() {
    List<List<Integer>> b = TableBatches.split(tables(2000), 4);
    assertEquals(40, b.size());
    assertEquals(TableBatches.MAX_TABLES_PER_ACTIVITY, b.stream().mapToInt(List::size).max().orElseThrow());
  }

  @Test
  void fewerTablesThanSlotsMakeOneTableBatches() {
    assertEquals(List.of(List.of(0), List.of(1), List.of(2)), TableBatches.split(tables(3), 8));
    assertEquals(List.of(), TableBatches.split(tables(0), 4));
  }

  @Test
  void unevenCountsKeepOrderAndLoseNothing() {
    List<List<Integer>> b = TableBatches.split(tables(7), 3);
    assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6)), b);
  }

  @Test
  void parallelBelowOneIsRefusedAndNullMeansTheDefault() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableBatches.split(tables(3), 0));
    assertEquals("parallel must be at least 1, got 0", e.getMessage());
    assertEquals(TableBatches.DEFAULT_PARALLEL, TableBatches.parallel(null));
    assertEquals(2, TableBatches.parallel(2));
  }
}
