package io.pgrunbooks.workflows.partitionmaintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.NewPartition;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableFacts;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner's calendar arithmetic at the edges a real clock rarely shows: month end, year end, leap day. */
class PartitionPlannerTest {
  private static PartitionPolicy policy(String interval, String naming, String retention, String floor) {
    return new PartitionPolicy("public.m", interval, naming, 3, retention, floor, false);
  }

  private static TableFacts facts(PartitionFacts... partitions) {
    return new TableFacts("public.m", "created_at", "timestamp with time zone", List.of(partitions), null, List.of());
  }

  private static PartitionFacts month(String name, LocalDate first) {
    return new PartitionFacts("public." + name, Intervals.iso(first), Intervals.iso(first.plusMonths(1)),
        "FOR VALUES FROM ('" + first + "') TO ('" + first.plusMonths(1) + "')", 0, 8192, 0);
  }

  private static List<String> names(TablePlan plan) {
    return plan.create().stream().map(NewPartition::name).toList();
  }

  @Test
  void yearEndRolloverCreatesJanuaryToMarchOfTheNextYearInBothNamingStyles() {
    Instant lastMinute = Instant.parse("2025-12-31T23:59:59Z");
    TablePlan a = PartitionPlanner.plan(policy("month", "{parent}_{yyyy}_{mm}", null, null),
        facts(month("m_2025_12", LocalDate.of(2025, 12, 1))), lastMinute, 3);
    TablePlan b = PartitionPlanner.plan(policy("month", "{parent}_y{yyyy}m{mm}", null, null), facts(), lastMinute, 3);

    assertThat(names(a)).containsExactly("m_2026_01", "m_2026_02", "m_2026_03");
    assertThat(a.create().get(0).from()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(names(b)).containsExactly("m_y2025m12", "m_y2026m01", "m_y2026m02", "m_y2026m03");
  }

  @Test
  void monthEndRolloverIsDecidedInUtc() {
    TablePlan plan = PartitionPlanner.plan(policy("month", "{parent}_{yyyy}_{mm}", null, null), facts(),
        Instant.parse("2026-01-31T23:30:00Z"), 1);
    assertThat(names(plan)).containsExactly("m_2026_01", "m_2026_02");
    TablePlan next = PartitionPlanner.plan(policy("month", "{parent}_{yyyy}_{mm}", null, null), facts(),
        Instant.parse("2026-02-01T00:00:00Z"), 1);
    assertThat(names(next)).containsExactly("m_2026_02", "m_2026_03");
  }

  @Test
  void daysCrossTheLeapDayAndWeeksUseTheIsoWeekBasedYear() {
    TablePlan days = PartitionPlanner.plan(policy("day", "{parent}_{yyyy}_{mm}_{dd}", null, null), facts(),
        Instant.parse("2028-02-28T10:00:00Z"), 2);
    assertThat(names(days)).containsExactly("m_2028_02_28", "m_2028_02_29", "m_2028_03_01");
    TablePlan weeks = PartitionPlanner.plan(policy("week", "{parent}_{yyyy}w{ww}", null, null), facts(),
        Instant.parse("2025-12-30T10:00:00Z"), 1);
    assertThat(names(weeks)).containsExactly("m_2026w01", "m_2026w02");
    assertThat(weeks.create().get(0).from()).isEqualTo("2025-12-29T00:00:00Z");
  }

  @Test
  void expiryComesFromBoundsNeverTheCurrentOrAFutureOneAndRespectsTheFloor() {
    List<PartitionFacts> parts = new ArrayList<>();
    for (int i = -12; i <= 3; i++) {
      LocalDate first = LocalDate.of(2026, 6, 1).plusMonths(i);
      // Misleading names: expiry must not read them.
      parts.add(month("m_2099_" + (i + 20), first));
    }
    Instant now = Instant.parse("2026-06-15T12:00:00Z");
    TablePlan plan = PartitionPlanner.plan(policy("month", "{parent}_{yyyy}_{mm}", "P1M", null),
        facts(parts.toArray(PartitionFacts[]::new)), now, 3);
    assertThat(plan.expired()).extracting(PartitionFacts::to).allSatisfy(to -> assertThat(to).isLessThanOrEqualTo("2026-05-15"));
    assertThat(plan.expired()).hasSize(11);
    assertThat(plan.coverage().unexpectedNames()).hasSize(16);

    TablePlan floored = PartitionPlanner.plan(policy("month", "{parent}_{yyyy}_{mm}", "P6M", "P6M"),
        facts(parts.toArray(PartitionFacts[]::new)), now, 3);
    assertThat(floored.expired()).hasSize(6);
  }

  @Test
  void retentionBelowTheComplianceFloorIsRefusedAtRunTime() {
    assertThatThrownBy(() -> PartitionPlanner.plan(policy("month", "{parent}_{yyyy}_{mm}", "P3M", "P72M"), facts(),
        Instant.parse("2026-06-15T12:00:00Z"), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below the compliance floor");
  }
}
