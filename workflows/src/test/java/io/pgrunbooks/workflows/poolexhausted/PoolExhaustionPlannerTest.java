package io.pgrunbooks.workflows.poolexhausted;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.PgBouncerStatsActivities.PoolStats;
import io.pgrunbooks.workflows.activities.SessionActivities.Session;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustionPlanner.Plan;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustionPlanner.Relief;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan choice, without Temporal or servers. */
class PoolExhaustionPlannerTest {
  private static final PoolStats EXHAUSTED = new PoolStats("app", "appdb", 20, 20, 12, 20, 0, 0, 30_000);

  private static Session s(int pid, String state, long seconds) {
    return new Session(pid, pid * 10L, "t", "appdb", "u", "a", null, state, "q", seconds, seconds, 0, 0);
  }

  @Test
  void holdersIdleInTransactionLongEnoughAreEndedOldestFirstWithTheYoungestAsThreshold() {
    List<Session> holders = PoolExhaustionPlanner.holders(List.of(s(1, "idle in transaction", 30),
        s(2, "idle in transaction", 400), s(3, "idle in transaction (aborted)", 90), s(4, "active", 999)),
        Duration.ofMinutes(1));
    assertThat(holders).extracting(Session::pid).containsExactly(2, 3);
    Plan p = PoolExhaustionPlanner.plan(EXHAUSTED, holders, 100, 0, Duration.ofHours(1));
    assertThat(p.relief()).isEqualTo(Relief.TERMINATE);
    assertThat(p.idleSeconds()).isEqualTo(90);
    assertThat(p.text()).contains("terminate 2 session(s) of database appdb", "[2, 3]", "12 client(s) wait");
  }

  @Test
  void withoutHoldersThePoolGrowsByTheWaitingClientsCappedByHeadroom() {
    assertThat(PoolExhaustionPlanner.needsHeadroom(EXHAUSTED, List.of())).isTrue();
    Plan roomy = PoolExhaustionPlanner.plan(EXHAUSTED, List.of(), 80, 5, Duration.ofHours(1));
    assertThat(roomy.relief()).isEqualTo(Relief.RESIZE);
    assertThat(roomy.newPoolSize()).isEqualTo(32);
    Plan capped = PoolExhaustionPlanner.plan(EXHAUSTED, List.of(), 30, 5, Duration.ofHours(1));
    assertThat(capped.newPoolSize()).isEqualTo(25);
    assertThat(capped.text()).contains("capped by the primary's headroom 30 - reserve 5");
  }

  @Test
  void noHeadroomAndNoHolderIsNoReliefWithTheNumbers() {
    Plan full = PoolExhaustionPlanner.plan(EXHAUSTED, List.of(), 22, 2, Duration.ofHours(1));
    assertThat(full.relief()).isEqualTo(Relief.NO_RELIEF);
    assertThat(full.text()).contains("pool_size 20 + reserve_pool 2 already uses the primary's headroom of 22");
    assertThat(PoolExhaustionPlanner.plan(EXHAUSTED, List.of(), null, 0, Duration.ofHours(1)).relief())
        .isEqualTo(Relief.NO_RELIEF);
  }

  @Test
  void nobodyWaitingIsNothingToDoEvenWithHolders() {
    PoolStats calm = new PoolStats("app", "appdb", 20, 3, 0, 3, 5, 0, 0);
    assertThat(PoolExhaustionPlanner.plan(calm, List.of(s(1, "idle in transaction", 999)), 100, 0,
        Duration.ofHours(1)).relief()).isEqualTo(Relief.NONE);
  }

  @Test
  void withoutANameThePoolWithTheMostWaitingClientsIsChosen() {
    PoolStats other = new PoolStats("reports", "r", 5, 1, 2, 1, 0, 0, 10);
    assertThat(PoolExhaustionPlanner.choose(List.of(other, EXHAUSTED), null)).isEqualTo(EXHAUSTED);
    assertThat(PoolExhaustionPlanner.choose(List.of(other, EXHAUSTED), " reports ")).isEqualTo(other);
    assertThat(PoolExhaustionPlanner.choose(List.of(other), "nope")).isNull();
  }

  @Test
  void inputProblemsAreAllListed() {
    assertThat(PoolExhaustionPlanner.problems(new PoolExhaustedInput(" ", null, null, null, false, null, null)))
        .containsExactly("cluster is required");
    assertThat(PoolExhaustionPlanner.problems(new PoolExhaustedInput("main", "", "0s", "x", false, null, null)))
        .containsExactly("database must not be blank", "idleInTransactionLongerThan must be positive, got '0s'",
            "revertAfter is not a duration (30s, 5m, 2h, 1d or PT5M): 'x'");
  }
}
