package io.pgrunbooks.activities.partition;

import static io.pgrunbooks.activities.partition.PartitionFixture.exec;
import static io.pgrunbooks.activities.partition.PartitionFixture.month;
import static io.pgrunbooks.activities.partition.PartitionFixture.parent;
import static io.pgrunbooks.activities.partition.PartitionFixture.partitions;
import static io.pgrunbooks.activities.partition.PartitionFixture.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.temporal.client.WorkflowFailedException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PartitionMaintenance of more than 50 tables on a real PostgreSQL 15: batch children with the real activities. */
class PartitionBatchesOnPostgresTest {
  private static final int TABLES = 60;
  private final LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);

  /** {@code TABLES} parents with last month's partition each; their policies (premake 1). */
  private List<String> tables(String s) throws Exception {
    List<String> policies = new ArrayList<>();
    for (int i = 1; i <= TABLES; i++) {
      String t = s + ".t" + i;
      parent(t, "timestamptz");
      month(t, "t" + i + "_" + month.minusMonths(1).toString().substring(0, 7).replace('-', '_'), month.minusMonths(1));
      policies.add("{table: " + t + ", naming: \"{parent}_{yyyy}_{mm}\", premake: 1}");
    }
    return policies;
  }

  @Test
  void sixtyTablesRunAsFourBatchChildrenThatCreateEveryTablesPartitions() throws Exception {
    String s = PartitionFixture.newSchema();
    var config = PartitionFixture.config(tables(s).toArray(String[]::new));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      PartitionMaintenanceResult r = runs.run(MaintenanceRuns.input(null, false));

      String id = WorkflowIds.partitionMaintenance(io.pgrunbooks.activities.TestStack.CLUSTER, PartitionFixture.DB);
      assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(r.batches()).extracting(PartitionBatchResult::workflowId)
          .containsExactly(id + "/batch-1", id + "/batch-2", id + "/batch-3", id + "/batch-4");
      assertThat(r.batches()).flatExtracting(PartitionBatchResult::tables).hasSize(TABLES)
          .allSatisfy(t -> assertThat(t.created()).isEqualTo(2));
      assertThat(partitions(s + ".t60")).hasSize(3);
      assertThat(r.report().summary()).contains("60 tables in 4 batches", "120 created");
    }
  }

  @Test
  void aTableThatIsNotPartitionedAmongSixtyFailsTheRunBeforeAnyBatchChangesAnything() throws Exception {
    String s = PartitionFixture.newSchema();
    List<String> policies = tables(s);
    exec("CREATE TABLE " + s + ".plain (id int, created_at timestamptz)");
    policies.add("{table: " + s + ".plain, premake: 1}");
    var config = PartitionFixture.config(policies.toArray(String[]::new));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      List<String> before = snapshot(s);

      assertThatThrownBy(() -> runs.run(MaintenanceRuns.input(null, false)))
          .isInstanceOf(WorkflowFailedException.class)
          .satisfies(e -> assertThat(Failures.type(e)).isEqualTo(FailureTypes.BAD_INPUT))
          .satisfies(e -> assertThat(Failures.describe(e.getCause())).contains(s + ".plain", "not a partitioned table"));
      assertThat(snapshot(s)).isEqualTo(before);
    }
  }
}
