package io.pgrunbooks.workflows.vacuumanalyze;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.VacuumActivities.ReplicaLag;
import io.pgrunbooks.workflows.activities.VacuumActivities.TableStats;
import io.pgrunbooks.workflows.activities.VacuumActivities.VacuumFacts;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumPlanner.Action;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumPlanner.PlannedTable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tables VacuumAnalyze picks and in which order, without I/O. */
class VacuumPlannerTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final long FREEZE_MAX_AGE = 200_000_000L;

  private static TableStats table(String name, long live, long dead, long xidAge) {
    return new TableStats(name, live, dead, 0, NOW - DAY, NOW - DAY, xidAge, 100);
  }

  private static List<PlannedTable> plan(VacuumAnalyzeInput in, TableStats... tables) {
    return VacuumPlanner.plan(new VacuumFacts("pg1", NOW, FREEZE_MAX_AGE, List.of(tables)), in);
  }

  private static VacuumAnalyzeInput auto() {
    return VacuumAnalyzeInput.of("main", "app", null);
  }

  @Test
  void tablesNearWraparoundGoFirstOldestFirstAreFrozenAndUrgentThenTheDeadestTables() {
    List<PlannedTable> p = plan(auto(),
        table("public.dead20", 8_000, 2_000, 1_000),
        table("public.dead80", 2_000, 8_000, 1_000),
        table("public.old", 1_000, 0, 170_000_000),
        table("public.oldest", 1_000, 0, 190_000_000),
        table("public.young", 1_000, 0, 150_000_000),
        table("public.clean", 10_000, 10, 1_000));

    assertThat(p).extracting(PlannedTable::table)
        .containsExactly("public.oldest", "public.old", "public.dead80", "public.dead20");
    assertThat(p).extracting(PlannedTable::urgent).containsExactly(true, true, false, false);
    assertThat(p).extracting(PlannedTable::action).containsExactly(Action.FREEZE, Action.FREEZE, Action.VACUUM,
        Action.VACUUM);
    assertThat(p.get(0).why()).contains("age(relfrozenxid) 190000000 >= 0.8 x autovacuum_freeze_max_age 200000000");
    assertThat(p.get(2).why()).isEqualTo("80% dead (8000 of 10000)");
    assertThat(VacuumPlanner.statement(p.get(0))).isEqualTo("VACUUM (FREEZE, ANALYZE) public.oldest");
    assertThat(VacuumPlanner.statement(p.get(2))).isEqualTo("VACUUM (ANALYZE) public.dead80");
  }

  @Test
  void theUrgentFractionIsConfigurable() {
    VacuumAnalyzeInput half = new VacuumAnalyzeInput("main", "app", null, null, null, null, null, 0.5, false, null,
        null);
    assertThat(plan(half, table("public.young", 1_000, 0, 150_000_000))).singleElement()
        .satisfies(t -> assertThat(t.urgent()).isTrue());
    assertThat(plan(auto(), table("public.young", 1_000, 0, 150_000_000))).isEmpty();
  }

  @Test
  void ratioThresholdStalenessAndAnalyzeOnlyDecideTheRest() {
    VacuumAnalyzeInput strict = new VacuumAnalyzeInput("main", "app", null, 0.3, null, null, null, null, false, null,
        null);
    TableStats neverVacuumed = new TableStats("public.stale", 100_000, 500, 0, -1, NOW - DAY, 1_000, 100);
    TableStats oldStats = new TableStats("public.unanalyzed", 100_000, 0, 5_000, NOW - DAY, NOW - 8 * DAY, 1_000, 100);
    TableStats fewDead = new TableStats("public.tiny", 10, 40, 0, -1, -1, 1_000, 1);

    List<PlannedTable> p = plan(strict, table("public.dead20", 8_000, 2_000, 1_000), neverVacuumed, oldStats, fewDead);

    assertThat(p).extracting(PlannedTable::table, PlannedTable::action).containsExactly(
        org.assertj.core.groups.Tuple.tuple("public.stale", Action.VACUUM),
        org.assertj.core.groups.Tuple.tuple("public.unanalyzed", Action.ANALYZE));
    assertThat(p.get(0).why()).isEqualTo("500 dead, never vacuumed");
    assertThat(p.get(1).why()).isEqualTo("5000 rows changed, last analyze 8 days ago");
  }

  @Test
  void namedTablesAreAllProcessedAndFreezeAppliesToEveryVacuum() {
    VacuumAnalyzeInput named = new VacuumAnalyzeInput("main", "app", List.of("public.clean", "public.dead80"), null,
        true, null, null, null, false, null, null);
    List<PlannedTable> p = plan(named, table("public.clean", 10_000, 0, 1_000), table("public.dead80", 2_000, 8_000,
        1_000));
    assertThat(p).extracting(PlannedTable::table).containsExactly("public.dead80", "public.clean");
    assertThat(p).extracting(PlannedTable::action).containsOnly(Action.FREEZE);
    assertThat(p).extracting(PlannedTable::urgent).containsOnly(false);
    assertThat(p.get(1).why()).isEqualTo("named in tables");
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    assertThat(VacuumPlanner.inputProblem(VacuumAnalyzeInput.of("main", " ", null))).contains("database");
    assertThat(VacuumPlanner.inputProblem(VacuumAnalyzeInput.of("main", "app", List.of("orders"))))
        .contains("schema.name").contains("'orders'");
    assertThat(VacuumPlanner.inputProblem(VacuumAnalyzeInput.of("main", "app",
        List.of("public.x; DROP TABLE y")))).contains("schema.name");
    assertThat(VacuumPlanner.inputProblem(VacuumAnalyzeInput.of("main", "app", List.of("public.a", "public.a"))))
        .contains("twice");
    assertThat(VacuumPlanner.inputProblem(new VacuumAnalyzeInput("main", "app", null, 1.5, null, null, null, null,
        false, null, null))).contains("minDeadTupleRatio");
    assertThat(VacuumPlanner.inputProblem(new VacuumAnalyzeInput("main", "app", null, null, null, -1, null, null,
        false, null, null))).contains("maxReplicaLagSeconds");
    assertThat(VacuumPlanner.inputProblem(new VacuumAnalyzeInput("main", "app", null, null, null, null, "soon", null,
        false, null, null))).contains("window");
    assertThat(VacuumPlanner.inputProblem(new VacuumAnalyzeInput("main", "app", null, null, null, null, "0m", null,
        false, null, null))).contains("positive");
    assertThat(VacuumPlanner.inputProblem(new VacuumAnalyzeInput("main", "app", null, null, null, null, null, 0.0,
        false, null, null))).contains("freezeAgeFraction");
    assertThat(VacuumPlanner.inputProblem(new VacuumAnalyzeInput("main", "app", List.of("public.a"), 0.2, true, 10,
        "2h", 0.9, false, null, null))).isNull();
    assertThat(VacuumPlanner.window("PT90M")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void onlyReadableReplicasAboveTheLimitPauseTheRun() {
    assertThat(VacuumPlanner.lagProblem(List.of(new ReplicaLag("pg2", 12, null),
        new ReplicaLag("pg3", -1, "connection refused")), 30)).isNull();
    assertThat(VacuumPlanner.lagProblem(List.of(new ReplicaLag("pg2", 45, null)), 30))
        .isEqualTo("pg2 replays 45 s behind (max 30 s)");
  }
}
