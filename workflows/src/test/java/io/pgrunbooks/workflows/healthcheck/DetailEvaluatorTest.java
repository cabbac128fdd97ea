package io.pgrunbooks.workflows.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pgrunbooks.workflows.activities.DetailThresholds;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Archiver;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Blocker;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DatabaseXid;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DetailFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.IndexBloat;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.InvalidIndex;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolState;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Sessions;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Slot;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.TableXid;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The morning-page thresholds → findings, without I/O. */
class DetailEvaluatorTest {
  private static final DetailThresholds T = DetailThresholds.defaults();
  private static final long MB = 1024L * 1024;
  private static final long GB = 1024 * MB;

  @Test
  void blockerHeadingAChainIsDegradedAfterThirtySecondsAndUnhealthyAfterFiveMinutes() {
    List<Finding> f = judge(facts(new Sessions(1, 11, 5, 11, 40, List.of(
        new Blocker(11, "app", "shop", "idle in transaction", 3, 45, false, "LOCK TABLE orders"),
        new Blocker(12, "app", "shop", "active", 1, 400, true, "UPDATE orders SET x = 1")))));

    assertThat(f).filteredOn(x -> x.check().equals("blocking")).extracting(Finding::severity, Finding::message)
        .containsExactly(
            tuple(HealthStatus.DEGRADED, "pid 11 (app@shop, idle in transaction, head of the chain) blocks 3 sessions,"
                + " the longest waiting 45 s ≥ 30 s: LOCK TABLE orders"),
            tuple(HealthStatus.UNHEALTHY, "pid 12 (app@shop, active, itself waiting) blocks 1 session, the longest"
                + " waiting 400 s ≥ 300 s: UPDATE orders SET x = 1"));
    assertThat(f).filteredOn(x -> x.check().equals("sessions")).extracting(Finding::severity)
        .containsExactly(HealthStatus.HEALTHY, HealthStatus.HEALTHY);
  }

  @Test
  void wraparoundRiskIsLevelledByXidAgeAndTheOldestTablesAreListed() {
    DetailFacts d = new DetailFacts("pg1", null, true, Sessions.none(), List.of(new DatabaseXid("shop", 1_200_000_000L),
        new DatabaseXid("crm", 600_000_000L), new DatabaseXid("postgres", 1000)),
        List.of(new TableXid("shop", "public.orders", 1_199_000_000L)), List.of(), null, null, List.of(), List.of(),
        List.of());
    List<Finding> f = judge(d);

    assertThat(f).filteredOn(x -> x.check().equals("wraparound")).extracting(Finding::severity, Finding::message)
        .containsExactly(
            tuple(HealthStatus.UNHEALTHY, "database shop xid age 1200000000 ≥ 1000000000 (55.88% of wraparound):"
                + " VACUUM FREEZE its oldest tables"),
            tuple(HealthStatus.DEGRADED, "database crm xid age 600000000 ≥ 500000000 (27.94% of wraparound):"
                + " VACUUM FREEZE its oldest tables"),
            tuple(HealthStatus.HEALTHY, "oldest tables: shop.public.orders 1199000000"));
  }

  @Test
  void inactiveSlotIsDegradedLostIsUnhealthyAndRetainedWalIsMeasured() {
    DetailFacts d = new DetailFacts("pg1", null, true, Sessions.none(), List.of(), List.of(), List.of(
        new Slot("pg2_slot", "physical", true, "reserved", 16 * MB),
        new Slot("old_etl", "logical", false, "reserved", 2 * GB),
        new Slot("gone", "physical", false, "lost", null),
        new Slot("huge", "physical", true, "extended", 11 * GB)), null, null, List.of(), List.of(), List.of());

    assertThat(judge(d)).extracting(Finding::severity, Finding::message).containsExactly(
        tuple(HealthStatus.HEALTHY, "physical slot pg2_slot: 16.0 MB of WAL retained, wal_status reserved"),
        tuple(HealthStatus.DEGRADED, "inactive logical slot old_etl: 2.0 GB of WAL retained, wal_status reserved"
            + " (drop a slot nobody uses; limits 1024/10240 MiB)"),
        tuple(HealthStatus.UNHEALTHY, "inactive physical slot gone: no WAL retained, wal_status lost"
            + " (drop a slot nobody uses; limits 1024/10240 MiB)"),
        tuple(HealthStatus.UNHEALTHY, "physical slot huge: 11.0 GB of WAL retained, wal_status extended"
            + " (drop a slot nobody uses; limits 1024/10240 MiB)"));
  }

  @Test
  void walIsJudgedAgainstTheVolumeAndAFailingArchiverByItsLastSuccess() {
    Archiver failingLong = new Archiver("on", 10, "00000001000000000000000A", 7200L, 4, "00000001000000000000000B", 10L);
    List<Finding> f = new ArrayList<>();
    DetailEvaluator.judge(new DetailFacts("pg1", null, true, Sessions.none(), List.of(), List.of(), List.of(), 30 * GB,
        failingLong, List.of(), List.of(), List.of()), 100 * GB, T, f);

    assertThat(f).extracting(Finding::severity, Finding::check).containsExactly(
        tuple(HealthStatus.UNHEALTHY, "wal"), tuple(HealthStatus.UNHEALTHY, "archiver"));
    assertThat(f.get(0).message()).isEqualTo("pg_wal 30.0 GB, 30% of the 100.0 GB volume ≥ 25%");
    assertThat(f.get(1).message()).startsWith("WAL archiving is failing: 4 failures, the last on"
        + " 00000001000000000000000B 10 s ago; last archived 00000001000000000000000A 7200 s ago");

    Archiver failingShort = new Archiver("on", 10, "A", 60L, 1, "B", 5L);
    Archiver recovered = new Archiver("on", 10, "C", 5L, 1, "B", 60L);
    List<Finding> g = new ArrayList<>();
    DetailEvaluator.judge(new DetailFacts("pg1", null, true, Sessions.none(), List.of(), List.of(), List.of(), 11 * GB,
        failingShort, List.of(), List.of(), List.of()), 100 * GB, T, g);
    DetailEvaluator.judge(new DetailFacts("pg1", null, true, Sessions.none(), List.of(), List.of(), List.of(), GB,
        recovered, List.of(), List.of(), List.of()), 100 * GB, T, g);
    assertThat(g).extracting(Finding::severity, Finding::check).containsExactly(
        tuple(HealthStatus.DEGRADED, "wal"), tuple(HealthStatus.DEGRADED, "archiver"),
        tuple(HealthStatus.HEALTHY, "wal"), tuple(HealthStatus.HEALTHY, "archiver"));
  }

  @Test
  void invalidIndexesAndBloatOverReindexRatioDegrade() {
    DetailFacts d = new DetailFacts("pg1", null, true, Sessions.none(), List.of(), List.of(), List.of(), null, null,
        List.of(new InvalidIndex("shop", "public.orders_ccnew")),
        List.of(new IndexBloat("shop", "public.orders_pkey", 300 * MB, 100 * MB),
            new IndexBloat("shop", "public.orders_day", 110 * MB, 100 * MB),
            new IndexBloat("shop", "public.orders_gist", 50 * MB, -1)), List.of());

    assertThat(judge(d)).extracting(Finding::severity, Finding::message).containsExactly(
        tuple(HealthStatus.DEGRADED, "index shop.public.orders_ccnew is INVALID (a failed CREATE/REINDEX"
            + " CONCURRENTLY): run Reindex or DropIndex"),
        tuple(HealthStatus.DEGRADED, "index shop.public.orders_pkey bloated: 314572800 bytes, a fresh copy ~104857600"
            + " (x3.0)"));
  }

  @Test
  void poolsAreJudgedByWaitingClientsAndMaxwaitAndIdlePoolsAreLeftOut() {
    List<Finding> f = new ArrayList<>();
    DetailEvaluator.judgePools(new PoolFacts(true, null, List.of(
        new PoolState("idle", "app", 0, 0, 0, 0, 0, 20, 0, 0),
        new PoolState("busy", "app", 4, 0, 4, 4, 0, 20, 4, 100),
        new PoolState("short", "app", 5, 2, 5, 5, 1, 5, 7, 2500),
        new PoolState("starved", "app", 5, 25, 5, 5, 3, 5, 30, 900_000),
        new PoolState("slow", "app", 5, 1, 5, 5, 40, 5, 6, 0))), T, f);

    assertThat(f).extracting(Finding::severity, Finding::message).containsExactly(
        tuple(HealthStatus.HEALTHY, "pool busy/app: 4 clients active, 0 waiting (maxwait 0 s, average wait 0.1 ms),"
            + " 4 clients, 4 server connections of pool_size 20 (4 active)"),
        tuple(HealthStatus.DEGRADED, "pool short/app: 5 clients active, 2 waiting (maxwait 1 s, average wait 2.5 ms),"
            + " 7 clients, 5 server connections of pool_size 5 (5 active); limits waiting 1/20, maxwait 5/30 s"),
        tuple(HealthStatus.UNHEALTHY, "pool starved/app: 5 clients active, 25 waiting (maxwait 3 s, average wait"
            + " 900 ms), 30 clients, 5 server connections of pool_size 5 (5 active); limits waiting 1/20, maxwait 5/30 s"),
        tuple(HealthStatus.UNHEALTHY, "pool slow/app: 5 clients active, 1 waiting (maxwait 40 s, average wait 0 ms),"
            + " 6 clients, 5 server connections of pool_size 5 (5 active); limits waiting 1/20, maxwait 5/30 s"));
  }

  @Test
  void unreadablePgBouncerIsUnhealthyAndAClusterWithoutOneHasNoPoolFindings() {
    List<Finding> f = new ArrayList<>();
    DetailEvaluator.judgePools(new PoolFacts(false, null, List.of()), T, f);
    DetailEvaluator.judgePools(new PoolFacts(true, "Connection refused", List.of()), T, f);

    assertThat(f).extracting(Finding::severity, Finding::message).containsExactly(
        tuple(HealthStatus.UNHEALTHY, "PgBouncer console not readable: Connection refused"));
  }

  @Test
  void findingsTextListsOnlyWhatPeopleMustActOnNodeFirst() {
    HealthVerdict v = new HealthVerdict(HealthStatus.DEGRADED, "pg1",
        List.of(new Finding(HealthStatus.DEGRADED, "pgbouncer", "pool x waits")),
        List.of(new NodeHealth("pg1", "PRIMARY", HealthStatus.DEGRADED, List.of(
            new Finding(HealthStatus.HEALTHY, "archiver", "fine"),
            new Finding(HealthStatus.DEGRADED, "indexes", "index y is INVALID")), null, null)), "s");

    assertThat(DetailEvaluator.findingsText(v)).isEqualTo(
        "- DEGRADED pgbouncer: pool x waits\n- pg1 DEGRADED indexes: index y is INVALID");
  }

  private static DetailFacts facts(Sessions s) {
    return new DetailFacts("pg1", null, true, s, List.of(), List.of(), List.of(), null, null, List.of(), List.of(),
        List.of());
  }

  private static List<Finding> judge(DetailFacts d) {
    List<Finding> f = new ArrayList<>();
    DetailEvaluator.judge(d, 0, T, f);
    return f;
  }
}
