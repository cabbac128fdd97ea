package io.pgrunbooks.activities.partition;

import static io.pgrunbooks.activities.partition.PartitionFixture.count;
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
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.pgrunbooks.workflows.partitionmaintenance.TableReport;
import io.temporal.client.WorkflowFailedException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every scenario of issue 4 on a real PostgreSQL 15: the workflow with the real activities. */
class PartitionMaintenanceOnPostgresTest {
  private static final DateTimeFormatter UNDERSCORE = DateTimeFormatter.ofPattern("yyyy_MM");
  private static final DateTimeFormatter Y_M = DateTimeFormatter.ofPattern("'y'yyyy'm'MM");
  private final LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);

  private static String policy(String table, String extra) {
    return "{table: " + table + ", " + extra + "}";
  }

  private String m(String parent, int offset) {
    return parent + "_" + month.plusMonths(offset).format(UNDERSCORE);
  }

  private void months(String table, int from, int to) throws Exception {
    String name = table.substring(table.indexOf('.') + 1);
    for (int i = from; i <= to; i++) {
      month(table, m(name, i), month.plusMonths(i));
    }
  }

  private static TableReport table(PartitionMaintenanceResult r, String table) {
    return r.tables().stream().filter(t -> t.table().equals(table)).findFirst().orElseThrow();
  }

  @Test
  void bothNamingStylesGetPremakeAheadAndTheSecondRunIsANoOp() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    parent(s + ".events", "date");
    months(s + ".metrics", -2, 0);
    month(s + ".events", "events_" + month.minusMonths(1).format(Y_M), month.minusMonths(1));
    var config = PartitionFixture.config(policy(s + ".metrics", "naming: \"{parent}_{yyyy}_{mm}\", premake: 3"),
        policy(s + ".events", "naming: \"{parent}_y{yyyy}m{mm}\", premake: 3"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      PartitionMaintenanceResult first = runs.run(MaintenanceRuns.input(null, false));

      assertThat(first.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(table(first, s + ".metrics").created()).containsExactly(
          s + "." + m("metrics", 1), s + "." + m("metrics", 2), s + "." + m("metrics", 3));
      assertThat(table(first, s + ".events").created()).containsExactlyElementsOf(IntStream.rangeClosed(0, 3)
          .mapToObj(i -> s + ".events_" + month.plusMonths(i).format(Y_M)).toList());
      assertThat(table(first, s + ".metrics").stats()).hasSize(6)
          .allSatisfy(p -> assertThat(p.bound()).startsWith("FOR VALUES FROM ("));
      assertThat(count("SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = '" + s
          + "' AND relname LIKE 'metrics_%' AND last_analyze IS NOT NULL")).isEqualTo(3);

      List<String> before = snapshot(s);
      PartitionMaintenanceResult second = runs.run(MaintenanceRuns.input(null, false));
      assertThat(second.tables()).allSatisfy(t -> assertThat(t.created()).isEmpty());
      assertThat(second.report().changes()).isEmpty();
      assertThat(snapshot(s)).isEqualTo(before);
    }
  }

  @Test
  void dryRunReturnsEveryStatementAndChangesNothing() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    months(s + ".metrics", -8, 0);
    var config = PartitionFixture.config(policy(s + ".metrics", "premake: 2, retention: 3mo"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      List<String> before = snapshot(s);

      PartitionMaintenanceResult r = runs.run(MaintenanceRuns.input(null, true));

      assertThat(snapshot(s)).isEqualTo(before);
      assertThat(r.report().dryRun()).isTrue();
      assertThat(r.report().changes()).isEmpty();
      assertThat(r.report().plan()).contains(
          "CREATE TABLE \"" + s + "\".\"" + m("metrics", 1) + "\" PARTITION OF \"" + s + "\".\"metrics\" FOR VALUES FROM ('"
              + month.plusMonths(1) + " 00:00:00+00') TO ('" + month.plusMonths(2) + " 00:00:00+00')",
          "ANALYZE \"" + s + "\".\"" + m("metrics", 1) + "\", \"" + s + "\".\"" + m("metrics", 2) + "\"",
          "DROP TABLE \"" + s + "\".\"" + m("metrics", -8) + "\" -- after one approval of the drop batch");
      assertThat(r.report().plan()).hasSize(2 + 1 + 5);
    }
  }

  @Test
  void missingMiddlePartitionIsRecreatedAndTheGapReported() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamp");
    months(s + ".metrics", -3, -2);
    months(s + ".metrics", 0, 3);
    var config = PartitionFixture.config(policy(s + ".metrics", "premake: 3"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      TableReport t = table(runs.run(MaintenanceRuns.input(null, false)), s + ".metrics");

      assertThat(t.created()).containsExactly(s + "." + m("metrics", -1));
      assertThat(t.coverage().gaps()).singleElement().asString().contains("missing in the middle");
      assertThat(partitions(s + ".metrics")).hasSize(7);
    }
  }

  @Test
  void overlapWithAnOddPartitionIsReportedAndThoseIntervalsAreNotCreated() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    months(s + ".metrics", 0, 0);
    exec("CREATE TABLE " + s + ".metrics_odd PARTITION OF " + s + ".metrics FOR VALUES FROM ('"
        + month.plusMonths(1).plusDays(14) + "') TO ('" + month.plusMonths(2).plusDays(14) + "')");
    var config = PartitionFixture.config(policy(s + ".metrics", "premake: 3"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      TableReport t = table(runs.run(MaintenanceRuns.input(null, false)), s + ".metrics");

      assertThat(t.created()).containsExactly(s + "." + m("metrics", 3));
      assertThat(t.coverage().overlaps()).hasSize(2).allSatisfy(o -> assertThat(o).contains("metrics_odd"));
      assertThat(t.coverage().unexpectedNames()).singleElement().asString().contains("metrics_odd");
      assertThat(t.status()).isEqualTo("ATTENTION");
    }
  }

  @Test
  void defaultPartitionRowsAreReportedAndTheirIntervalIsNotCreated() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    months(s + ".metrics", 0, 0);
    exec("CREATE TABLE " + s + ".metrics_default PARTITION OF " + s + ".metrics DEFAULT",
        "INSERT INTO " + s + ".metrics (created_at) SELECT timestamptz '" + month.plusMonths(1)
            + " 00:00:00+00' + g * interval '1 hour' FROM generate_series(1, 5) g");
    var config = PartitionFixture.config(policy(s + ".metrics", "premake: 3"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      TableReport t = table(runs.run(MaintenanceRuns.input(null, false)), s + ".metrics");

      assertThat(t.coverage().defaultRows()).singleElement().asString().startsWith("5 rows in the default partition");
      assertThat(t.skipped()).singleElement().asString().contains(m("metrics", 1)).contains("holds 5 rows");
      assertThat(t.created()).containsExactly(s + "." + m("metrics", 2), s + "." + m("metrics", 3));
      assertThat(count("SELECT count(*) FROM " + s + ".metrics_default")).isEqualTo(5);
    }
  }

  @Test
  void dailyAndWeeklyIntervalsCreateAlignedPartitions() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".daily", "timestamptz");
    parent(s + ".weekly", "date");
    var config = PartitionFixture.config(policy(s + ".daily", "interval: day, premake: 2"),
        policy(s + ".weekly", "interval: week, premake: 2"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      PartitionMaintenanceResult r = runs.run(MaintenanceRuns.input(null, false));

      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      assertThat(table(r, s + ".daily").created()).containsExactlyElementsOf(IntStream.rangeClosed(0, 2)
          .mapToObj(i -> s + ".daily_" + today.plusDays(i).format(DateTimeFormatter.ofPattern("yyyy_MM_dd"))).toList());
      LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      assertThat(table(r, s + ".weekly").created()).containsExactlyElementsOf(IntStream.rangeClosed(0, 2)
          .mapToObj(i -> monday.plusWeeks(i)).map(d -> s + ".weekly_" + d.get(IsoFields.WEEK_BASED_YEAR) + "w"
              + String.format("%02d", d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR))).toList());
      assertThat(table(r, s + ".weekly").stats().get(0).bound())
          .isEqualTo("FOR VALUES FROM ('" + monday + "') TO ('" + monday.plusWeeks(1) + "')");
    }
  }

  @Test
  void expiredPartitionsAreDroppedAfterOneApprovalListingRowsAndSize() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    months(s + ".metrics", -6, 3);
    exec("INSERT INTO " + s + ".metrics (created_at) SELECT timestamptz '" + month.minusMonths(6)
        + " 00:00:00+00' + g * interval '1 hour' FROM generate_series(1, 3) g");
    var config = PartitionFixture.config(policy(s + ".metrics", "retention: 3mo, archive: false"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      var pending = runs.startAndAwaitApproval(MaintenanceRuns.input(null, false));

      assertThat(pending.pending().evidence()).hasSize(3);
      assertThat(pending.pending().evidence().get(s + "." + m("metrics", -6))).contains("3 rows");
      PartitionMaintenanceResult r = pending.decide(true);

      assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(table(r, s + ".metrics").retired()).containsExactly(
          s + "." + m("metrics", -6), s + "." + m("metrics", -5), s + "." + m("metrics", -4));
      assertThat(partitions(s + ".metrics")).hasSize(7).doesNotContain(m("metrics", -4));
    }
  }

  @Test
  void rowsWrittenAfterTheApprovalVoidItAndANewApprovalIsAsked() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    months(s + ".metrics", -5, 3);
    var config = PartitionFixture.config(policy(s + ".metrics", "retention: 3mo"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      var first = runs.startAndAwaitApproval(MaintenanceRuns.input(null, false));
      exec("INSERT INTO " + s + ".metrics (created_at) VALUES ('" + month.minusMonths(5) + " 08:00:00+00')");
      first.wf().approve(new io.pgrunbooks.workflows.approval.ApprovalSignal(first.pending().requestId(), "alice", "ok",
          null));
      var second = runs.awaitApproval(first.wf(), "drop-partitions-2");

      assertThat(second.pending().evidence().get(s + "." + m("metrics", -5))).contains("1 rows");
      PartitionMaintenanceResult r = second.decide(true);
      assertThat(r.report().approvals()).extracting(a -> a.decision()).contains("SUPERSEDED");
      assertThat(table(r, s + ".metrics").retired()).containsExactly(s + "." + m("metrics", -5), s + "." + m("metrics", -4));
    }
  }

  @Test
  void rejectOfTheDropBatchLeavesEveryPartitionInPlace() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    months(s + ".metrics", -6, 3);
    var config = PartitionFixture.config(policy(s + ".metrics", "retention: 3mo"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      List<String> before = snapshot(s);

      PartitionMaintenanceResult r = runs.startAndAwaitApproval(MaintenanceRuns.input(null, false)).decide(false);

      assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
      assertThat(snapshot(s)).isEqualTo(before);
      assertThat(table(r, s + ".metrics").retired()).isEmpty();
    }
  }

  @Test
  void retentionAtTheComplianceFloorExpiresOnlyPartitionsOlderThanIt() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".audit", "timestamptz");
    months(s + ".audit", -6, 3);
    var config = PartitionFixture.config(policy(s + ".audit", "retention: 5mo, minRetention: 5mo"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      var pending = runs.startAndAwaitApproval(MaintenanceRuns.input(null, false));

      assertThat(pending.pending().evidence()).containsOnlyKeys(s + "." + m("audit", -6));
      assertThat(table(pending.decide(true), s + ".audit").retired()).containsExactly(s + "." + m("audit", -6));
    }
  }

  @Test
  void archiveTrueRetiresEveryExpiredPartitionThroughArchivePartitionChildrenUnderOneApproval() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    months(s + ".metrics", -5, 3);
    MaintenanceRuns.ARCHIVED.clear();
    var config = PartitionFixture.config(policy(s + ".metrics", "retention: 3mo, archive: true"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      var pending = runs.startAndAwaitApproval(MaintenanceRuns.input(null, false));
      String old1 = s + "." + m("metrics", -5);
      String old2 = s + "." + m("metrics", -4);
      assertThat(pending.pending().requestId()).isEqualTo("retire-partitions-1");
      assertThat(pending.pending().evidence()).containsOnlyKeys(old1, old2);
      assertThat(pending.pending().evidence().get(old1)).contains("rows (exact)", "CSV SHA-256 ",
          "archive to S3, verify, then drop");
      PartitionMaintenanceResult r = pending.decide(true);

      // One approval in the parent; the children carry it, scoped to each partition's exact rows and CSV hash, and
      // the parent's requester (dave), who therefore cannot approve their drops either.
      assertThat(MaintenanceRuns.ARCHIVED).extracting(a -> a.replaceAll(" rows=.*", ""))
          .containsExactlyInAnyOrder(old1 + " drop=true requestedBy=dave delegated=[drop " + old1,
              old2 + " drop=true requestedBy=dave delegated=[drop " + old2);
      assertThat(MaintenanceRuns.ARCHIVED).allMatch(a -> a.matches(".* rows=\\d+ csv-sha256=[0-9a-f]{64}]"));
      assertThat(table(r, s + ".metrics").retired()).hasSize(2);
      assertThat(r.report().approvals()).extracting(a -> a.decision()).containsExactly("APPROVED");
    }
  }

  @Test
  void unknownNonPartitionedAndInjectionShapedTablesAreRefusedWithNothingChanged() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".good", "timestamptz");
    exec("CREATE TABLE " + s + ".plain (id int, created_at timestamptz)",
        "CREATE TABLE " + s + ".listed (id int, kind text) PARTITION BY LIST (kind)",
        "CREATE TABLE " + s + ".textkey (id int, k text) PARTITION BY RANGE (k)");
    for (String bad : List.of(s + ".missing", s + ".plain", s + ".listed", s + ".textkey")) {
      var config = PartitionFixture.config(policy(s + ".good", "premake: 3"), policy(bad, "premake: 3"));
      try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
        List<String> before = snapshot(s);
        assertThatThrownBy(() -> runs.run(MaintenanceRuns.input(null, false)))
            .isInstanceOf(WorkflowFailedException.class)
            .satisfies(e -> assertThat(Failures.type(e)).isEqualTo(FailureTypes.BAD_INPUT))
            .satisfies(e -> assertThat(Failures.describe(e.getCause())).contains(bad));
        assertThat(snapshot(s)).isEqualTo(before);
      }
    }
    var config = PartitionFixture.config(policy(s + ".good", "premake: 3"));
    try (MaintenanceRuns runs = new MaintenanceRuns(config)) {
      assertThatThrownBy(() -> runs.run(MaintenanceRuns.input(List.of(s + ".good; DROP TABLE " + s + ".good"), false)))
          .satisfies(e -> assertThat(Failures.type(e)).isEqualTo(FailureTypes.BAD_INPUT));
      assertThat(partitions(s + ".good")).isEmpty();
    }
  }
}
