package io.pgrunbooks.activities.partition;

import static io.pgrunbooks.activities.partition.PartitionFixture.count;
import static io.pgrunbooks.activities.partition.PartitionFixture.exec;
import static io.pgrunbooks.activities.partition.PartitionFixture.month;
import static io.pgrunbooks.activities.partition.PartitionFixture.parent;
import static io.pgrunbooks.activities.partition.PartitionFixture.partitions;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresPartitionActivitiesImpl;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.CreatePartitionsInput;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.NewPartition;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionFacts;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TableCreated;
import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.TablesInput;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batched creating activity on real PostgreSQL: one transaction per table, no ANALYZE of empty partitions. */
class PartitionCreatesOnPostgresTest {
  private final LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);

  private String name(int offset) {
    return "metrics_" + month.plusMonths(offset).toString().substring(0, 7).replace('-', '_');
  }

  private NewPartition next(int offset) {
    return new NewPartition(name(offset), month.plusMonths(offset) + "T00:00:00Z",
        month.plusMonths(offset + 1) + "T00:00:00Z");
  }

  private String table() throws Exception {
    String s = PartitionFixture.newSchema();
    parent(s + ".metrics", "timestamptz");
    month(s + ".metrics", name(0), month);
    return s + ".metrics";
  }

  private CreatePartitionsInput create(String table, List<NewPartition> partitions) {
    return new CreatePartitionsInput(TestStack.CLUSTER, PartitionFixture.DB, table, "timestamp with time zone",
        partitions, 1000, 2);
  }

  @Test
  void aTableWhoseSecondNameIsTakenGetsNoneOfItsPartitionsAndTheOtherTableGetsAllUnanalyzed() throws Exception {
    String taken = table();
    String clean = table();
    String schema = taken.substring(0, taken.indexOf('.'));
    exec("CREATE TABLE " + schema + "." + name(2) + " (id int)");
    RunbooksConfig config = PartitionFixture.config("{table: " + taken + ", premake: 2}",
        "{table: " + clean + ", premake: 2}");
    PostgresPartitionActivitiesImpl a = new PostgresPartitionActivitiesImpl(config,
        new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)));

    List<TableCreated> r = a.createPartitionsOfTables(new TablesInput<>(TestStack.CLUSTER, PartitionFixture.DB,
        List.of(create(taken, List.of(next(1), next(2))), create(clean, List.of(next(1), next(2))))));

    assertThat(r.get(0).error()).contains(schema + "." + name(2), "exists but is not the partition of " + taken);
    assertThat(r.get(0).created()).isEmpty();
    // All of a table's partitions are one transaction: the first one, created before the refusal, is gone too.
    assertThat(partitions(taken)).containsExactly(name(0));
    assertThat(r.get(1).error()).isNull();
    assertThat(r.get(1).created()).containsExactly(name(1), name(2));
    assertThat(r.get(1).facts()).extracting(PartitionFacts::name)
        .containsExactly(clean.substring(0, clean.indexOf('.') + 1) + name(1), clean.substring(0, clean.indexOf('.') + 1) + name(2));
    assertThat(r.get(1).facts()).allSatisfy(f -> assertThat(f.rowsEstimate()).isEqualTo(-1));
    assertThat(count("SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = '" + clean.substring(0,
        clean.indexOf('.')) + "' AND last_analyze IS NOT NULL")).isZero();

    // Run again (a retry after a crash): every partition of the clean table exists already, nothing created.
    List<TableCreated> again = a.createPartitionsOfTables(new TablesInput<>(TestStack.CLUSTER, PartitionFixture.DB,
        List.of(create(clean, List.of(next(1), next(2))))));
    assertThat(again.get(0).created()).isEmpty();
    assertThat(again.get(0).alreadyExisted()).containsExactly(name(1), name(2));
  }
}
