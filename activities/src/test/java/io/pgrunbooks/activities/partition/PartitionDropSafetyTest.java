package io.pgrunbooks.activities.partition;

import static io.pgrunbooks.activities.partition.PartitionFixture.exec;
import static io.pgrunbooks.activities.partition.PartitionFixture.month;
import static io.pgrunbooks.activities.partition.PartitionFixture.parent;
import static io.pgrunbooks.activities.partition.PartitionFixture.partitions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresPartitionActivitiesImpl;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CountRowsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.DropPartitionsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableCounts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableDropped;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TablesInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The drop activity on its own, on real PostgreSQL: every rule is checked again, whatever its input says. */
class PartitionDropSafetyTest {
  private final LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);

  private String name(int offset) {
    return "metrics_" + month.plusMonths(offset).format(DateTimeFormatter.ofPattern("yyyy_MM"));
  }

  private PostgresPartitionActivitiesImpl activities(RunbooksConfig config) {
    return new PostgresPartitionActivitiesImpl(config,
        new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)));
  }

  private String table(String retention) throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    for (int i = -8; i <= 1; i++) {
      month(s + ".metrics", name(i), month.plusMonths(i));
    }
    return s + ".metrics";
  }

  private PartitionCount counted(PostgresPartitionActivitiesImpl a, RunbooksConfig config, String table, int offset) {
    String schema = table.substring(0, table.indexOf('.'));
    return a.countPartitionRows(new CountRowsInput(TestStack.CLUSTER, PartitionFixture.DB, table,
        List.of(schema + "." + name(offset)))).get(0);
  }

  private static DropPartitionsInput drop(String table, PartitionCount p, long lockMillis, int attempts) {
    return new DropPartitionsInput(TestStack.CLUSTER, PartitionFixture.DB, table, List.of(p), lockMillis, attempts);
  }

  @Test
  void lockedPartitionMakesTheDropRetryThenGiveUpWithoutHangingAndLaterSucceed() throws Exception {
    String t = table("3mo");
    RunbooksConfig config = PartitionFixture.config("{table: " + t + ", retention: 3mo}");
    PostgresPartitionActivitiesImpl a = activities(config);
    PartitionCount old = counted(a, config, t, -8);
    String partition = old.name();
    try (Connection holder = PartitionFixture.connect(); Statement st = holder.createStatement()) {
      holder.setAutoCommit(false);
      st.execute("LOCK TABLE " + partition + " IN ACCESS SHARE MODE");
      long start = System.nanoTime();

      assertThatThrownBy(() -> a.dropExpiredPartitions(drop(t, old, 200, 3)))
          .isInstanceOf(ApplicationFailure.class)
          .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo(PostgresPartitionActivitiesImpl.LOCK_TIMEOUT))
          .hasMessageContaining("lock not granted within 200 ms on 3 attempts");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(partitions(t)).contains(name(-8));
      holder.rollback();
    }
    assertThat(a.dropExpiredPartitions(drop(t, old, 200, 3)).dropped()).containsExactly(partition);
    assertThat(a.dropExpiredPartitions(drop(t, old, 200, 3)).alreadyGone()).containsExactly(partition);
  }

  @Test
  void forgedDropOfAPartitionInsideRetentionOrTheCurrentOneIsRefused() throws Exception {
    String t = table("3mo");
    RunbooksConfig config = PartitionFixture.config("{table: " + t + ", retention: 3mo, minRetention: 3mo}");
    PostgresPartitionActivitiesImpl a = activities(config);
    for (int offset : new int[] {-1, 0, 1}) {
      PartitionCount p = counted(a, config, t, offset);
      assertThatThrownBy(() -> a.dropExpiredPartitions(drop(t, p, 1000, 1)))
          .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo(FailureTypes.SAFETY_REFUSED))
          .hasMessageContaining("is not expired");
    }
    assertThat(partitions(t)).hasSize(10);
  }

  @Test
  void dropIsRefusedWhenRowsChangedSinceApprovalOrForATableThatIsNotAPartitionOrTheDefault() throws Exception {
    String t = table("3mo");
    String schema = t.substring(0, t.indexOf('.'));
    RunbooksConfig config = PartitionFixture.config("{table: " + t + ", retention: 3mo}");
    PostgresPartitionActivitiesImpl a = activities(config);
    PartitionCount approved = counted(a, config, t, -7);
    exec("INSERT INTO " + t + " (created_at) VALUES ('" + month.minusMonths(7) + " 12:00:00+00')");
    assertThatThrownBy(() -> a.dropExpiredPartitions(drop(t, approved, 1000, 1)))
        .hasMessageContaining("holds 1 rows, not the approved 0");

    exec("CREATE TABLE " + schema + ".bystander (id int)", "CREATE TABLE " + schema + ".metrics_default PARTITION OF "
        + t + " DEFAULT");
    for (String victim : List.of(schema + ".bystander", schema + ".metrics_default")) {
      PartitionCount forged = new PartitionCount(victim, approved.from(), approved.to(), 0, 0, null);
      assertThatThrownBy(() -> a.dropExpiredPartitions(drop(t, forged, 1000, 1)))
          .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo(FailureTypes.SAFETY_REFUSED));
    }
    assertThat(PartitionFixture.count("SELECT count(*) FROM pg_class WHERE relname IN ('bystander', 'metrics_default')"
        + " AND relnamespace = '" + schema + "'::regnamespace")).isEqualTo(2);
  }

  @Test
  void dropIsRefusedWhenARowWasUpdatedSinceApprovalThoughTheCountIsTheSame() throws Exception {
    String t = table("3mo");
    RunbooksConfig config = PartitionFixture.config("{table: " + t + ", retention: 3mo}");
    PostgresPartitionActivitiesImpl a = activities(config);
    exec("INSERT INTO " + t + " (created_at, note) SELECT '" + month.minusMonths(6) + " 08:00:00+00', 'n' || g"
        + " FROM generate_series(1, 20) g");
    PartitionCount approved = counted(a, config, t, -6);
    assertThat(approved.rows()).isEqualTo(20);
    assertThat(approved.sha256()).hasSize(64);
    exec("UPDATE " + t + " SET note = 'changed after the approval' WHERE note = 'n3'");

    assertThatThrownBy(() -> a.dropExpiredPartitions(drop(t, approved, 1000, 1)))
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo(FailureTypes.SAFETY_REFUSED))
        .hasMessageContaining("holds the approved 20 rows but its content changed");
    assertThat(partitions(t)).contains(name(-6));
    // Unchanged content: the same evidence drops it.
    PartitionCount fresh = counted(a, config, t, -6);
    assertThat(a.dropExpiredPartitions(drop(t, fresh, 1000, 1)).dropped()).containsExactly(fresh.name());
  }

  @Test
  void batchedDropKeepsEveryPartitionOfATableWhoseContentChangedAndDropsTheOtherTables() throws Exception {
    String changed = table("3mo");
    String clean = table("3mo");
    RunbooksConfig config = PartitionFixture.config("{table: " + changed + ", retention: 3mo}",
        "{table: " + clean + ", retention: 3mo}");
    PostgresPartitionActivitiesImpl a = activities(config);
    List<TableCounts> evidence = a.countRowsOfTables(new TablesInput<>(TestStack.CLUSTER, PartitionFixture.DB, List.of(
        new CountRowsInput(TestStack.CLUSTER, PartitionFixture.DB, changed, expired(changed)),
        new CountRowsInput(TestStack.CLUSTER, PartitionFixture.DB, clean, expired(clean)))));
    assertThat(evidence).extracting(TableCounts::table).containsExactly(changed, clean);
    assertThat(evidence.get(0).counts()).hasSize(2);
    exec("INSERT INTO " + changed + " (created_at) VALUES ('" + month.minusMonths(7) + " 12:00:00+00')");

    List<TableDropped> r = a.dropPartitionsOfTables(new TablesInput<>(TestStack.CLUSTER, PartitionFixture.DB,
        evidence.stream().map(e -> new DropPartitionsInput(TestStack.CLUSTER, PartitionFixture.DB, e.table(),
            e.counts(), 1000, 1)).toList()));
    assertThat(r.get(0).error()).contains("holds 1 rows, not the approved 0").doesNotContain("type=");
    assertThat(r.get(0).dropped()).isEmpty();
    // One transaction per table: the partition checked before the refused one is kept too.
    assertThat(partitions(changed)).contains(name(-8), name(-7)).hasSize(10);
    assertThat(r.get(1).error()).isNull();
    assertThat(r.get(1).dropped()).hasSize(2);
    assertThat(partitions(clean)).doesNotContain(name(-8), name(-7)).hasSize(8);
  }

  @Test
  void batchedDropReportsAPartitionDroppedByOthersSinceTheApprovalAsGoneAndDropsTheRest() throws Exception {
    String t = table("3mo");
    RunbooksConfig config = PartitionFixture.config("{table: " + t + ", retention: 3mo}");
    PostgresPartitionActivitiesImpl a = activities(config);
    List<TableCounts> evidence = a.countRowsOfTables(new TablesInput<>(TestStack.CLUSTER, PartitionFixture.DB,
        List.of(new CountRowsInput(TestStack.CLUSTER, PartitionFixture.DB, t, expired(t)))));
    exec("DROP TABLE " + expired(t).get(0));

    List<TableDropped> r = a.dropPartitionsOfTables(new TablesInput<>(TestStack.CLUSTER, PartitionFixture.DB,
        List.of(new DropPartitionsInput(TestStack.CLUSTER, PartitionFixture.DB, t, evidence.get(0).counts(), 1000, 1))));

    assertThat(r.get(0).error()).isNull();
    assertThat(r.get(0).alreadyGone()).containsExactly(expired(t).get(0));
    assertThat(r.get(0).dropped()).containsExactly(expired(t).get(1));
    assertThat(partitions(t)).doesNotContain(name(-8), name(-7)).hasSize(8);
  }

  private List<String> expired(String table) {
    String schema = table.substring(0, table.indexOf('.'));
    return List.of(schema + "." + name(-8), schema + "." + name(-7));
  }
}
