package io.pgrunbooks.worker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.worker.WorkerFixture;
import io.pgrunbooks.worker.crash.CrashSweep.Scenario;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionResult;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflow;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceInput;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceWorkflow;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionInput;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionResult;
import io.pgrunbooks.workflows.restorepartition.RestorePartitionWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Crash-point sweep of the data runbooks on the shared stack: ArchivePartition, PartitionMaintenance retirement
 * (archive: false drops) and RestorePartition. Every replay starts from the same tables; its end state must be the
 * clean run's: the archive restores to exactly the rows the partition held (content, not count), one archive per run,
 * no detached table left behind, kept partitions untouched.
 */
class CrashPointSweepArchiveTest {
  static final String PREFIX = "crash-sweep";
  /** Kill points known to break the end state (replayed only with -Dsweep=full); see ops/docs/crash-sweep.md. */
  static final Set<String> KNOWN_FAILING = Set.of();

  private static WorkerFixture fixture;
  private static PostgresNode primary;
  private static SweepS3 s3;
  private static CrashSweep sweep;

  @BeforeAll
  static void start() throws Exception {
    fixture = new WorkerFixture();
    primary = fixture.stack.postgres().currentPrimary();
    Files.writeString(fixture.config, WorkerFixture.configYaml(fixture.stack, fixture.metricsPort) + """
            databases:
              postgres:
                partitions:
                  - {table: sweep.events, retention: 90d, archive: true}
                  - {table: sweep_src.kept, retention: 90d, archive: true}
                  - {table: sweep_pm.metrics, retention: 90d, premake: 1, archive: false}
        """ + WorkerFixture.archiveYaml(fixture.stack, PREFIX) + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
            - {name: bob, roles: [approver]}
        """);
    fixture.startAll();
    s3 = new SweepS3(fixture.stack);
    sweep = new CrashSweep(fixture, Duration.ofMinutes(5));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (primary != null) {
      Sql.exec(primary, "DROP SCHEMA IF EXISTS sweep CASCADE", "DROP SCHEMA IF EXISTS sweep_src CASCADE",
          "DROP SCHEMA IF EXISTS sweep_pm CASCADE", "DROP SCHEMA IF EXISTS sweep_r CASCADE");
    }
  }

  @Test
  void archivePartitionCrashedAtEveryActivityBoundaryDropsOnlyWhatItArchivedOnce() throws Exception {
    // CI: the crashes after a side effect and before its report, on the three steps that change something.
    assertNoFailure(sweep.sweep(new ArchiveScenario(), CrashSweep.sample("COMPLETING DetachPartition",
        "COMPLETING WriteManifest", "COMPLETING DropPartition"), KNOWN_FAILING));
  }

  @Test
  void partitionMaintenanceRetirementCrashedAtEveryBoundaryDropsOnlyTheExpiredPartitions() throws Exception {
    assertNoFailure(sweep.sweep(new MaintenanceScenario(),
        CrashSweep.sample("COMPLETING DropPartitionsOfTables"), KNOWN_FAILING));
  }

  @Test
  void restorePartitionCrashedAtEveryBoundaryRestoresExactlyTheArchivedRowsOnce() throws Exception {
    assertNoFailure(sweep.sweep(new RestoreScenario(),
        CrashSweep.sample("COMPLETING RestoreTable"), KNOWN_FAILING));
  }

  /** The sweep is only as good as its checks: they must see an orphan and one changed row under the same count. */
  @Test
  void checksSeeADetachedOrphanAndAnArchiveThatDiffersByOneRowOfTheSameCount() throws Exception {
    ArchiveScenario s = new ArchiveScenario();
    s.prepare();
    Sql.exec(primary, "ALTER TABLE sweep.events DETACH PARTITION " + ArchiveScenario.PARTITION);
    assertThat(s.check(null, new IllegalStateException("not run"))).anyMatch(p -> p.contains("left detached (orphan)"))
        .anyMatch(p -> p.contains("tables outside the parent: [events_2020_01]"));

    s.prepare();
    ArchivePartitionResult kept = stub(ArchivePartitionWorkflow.class,
        WorkflowIds.archivePartition("main", "postgres", ArchiveScenario.PARTITION) + ":self-test")
        .run(new ArchivePartitionInput("main", "postgres", ArchiveScenario.PARTITION, false, false, null, false,
            "crash-sweep", "self-test of the checks"));
    Sql.exec(primary, "UPDATE " + ArchiveScenario.PARTITION + " SET payload = 'changed' WHERE id = 1500");
    String changed = Sql.fingerprint(primary, ArchiveScenario.PARTITION);
    Sql.exec(primary, "ALTER TABLE sweep.events DETACH PARTITION " + ArchiveScenario.PARTITION,
        "ALTER TABLE " + ArchiveScenario.PARTITION + " RENAME TO events_2020_01_changed");
    assertThat(changed).startsWith("3000 rows");
    assertThat(restoreMatches(kept.manifestKey(), changed, ArchiveScenario.PARTITION, 0))
        .singleElement().asString().contains("the archive restores to 3000 rows").contains("the partition held 3000 rows");
  }

  static void assertNoFailure(List<SweepTable.Row> rows) {
    assertThat(rows).as("sweep rows").isNotEmpty();
    assertThat(rows).filteredOn(SweepTable.Row::failed).as(SweepTable.markdown()).isEmpty();
  }

  private static <T> T stub(Class<T> type, String id) {
    return fixture.client.newWorkflowStub(type, WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(id).build());
  }

  /** ArchivePartition of sweep.events_2020_01 (3000 rows), approved drop. */
  static final class ArchiveScenario implements Scenario {
    private static final String PARTITION = "sweep.events_2020_01";
    private static final String FOLDER = PREFIX + "/main/postgres/sweep/events/";
    private String before;
    private int restores;

    @Override
    public String runbook() {
      return "ArchivePartition";
    }

    @Override
    public void prepare() throws Exception {
      Sql.exec(primary, "DROP SCHEMA IF EXISTS sweep CASCADE", "CREATE SCHEMA sweep",
          "CREATE TABLE sweep.events (id bigint, ts timestamptz NOT NULL, payload text) PARTITION BY RANGE (ts)",
          "CREATE TABLE " + PARTITION + " PARTITION OF sweep.events FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00')",
          "INSERT INTO sweep.events SELECT g, timestamptz '2020-01-01 00:00+00' + g * interval '7 minutes', md5(g::text)"
              + " FROM generate_series(1, 3000) g");
      before = Sql.fingerprint(primary, PARTITION);
      s3.clear(FOLDER);
    }

    @Override
    public WorkflowStub start(String suffix) {
      ArchivePartitionWorkflow wf = stub(ArchivePartitionWorkflow.class,
          WorkflowIds.archivePartition("main", "postgres", PARTITION) + ":" + suffix);
      WorkflowClient.start(wf::run, new ArchivePartitionInput("main", "postgres", PARTITION, null, false, null, false,
          "crash-sweep", "crash sweep"));
      return WorkflowStub.fromTyped(wf);
    }

    @Override
    public Class<?> resultType() {
      return ArchivePartitionResult.class;
    }

    @Override
    public List<String> check(Object result, Throwable failure) throws Exception {
      List<String> problems = new ArrayList<>();
      if (failure != null) {
        problems.add("run failed: " + failure);
      } else {
        ArchivePartitionResult r = (ArchivePartitionResult) result;
        if (r.report().outcome() != RunbookState.COMPLETED || !r.dropped()) {
          problems.add("run ended " + r.report().outcome() + ", dropped=" + r.dropped() + ": " + r.report().summary());
        }
      }
      String attached = Sql.value(primary, "SELECT relispartition FROM pg_class WHERE oid = to_regclass('" + PARTITION + "')");
      if ("f".equals(attached)) {
        problems.add(PARTITION + " is left detached (orphan)");
      } else if ("t".equals(attached) && !before.equals(Sql.fingerprint(primary, PARTITION))) {
        problems.add(PARTITION + " still attached but its rows changed");
      }
      List<String> lone = Sql.loneTables(primary, "sweep");
      if (!lone.isEmpty()) {
        problems.add("tables outside the parent: " + lone);
      }
      List<String> manifests = s3.manifests(FOLDER);
      if (manifests.size() > 1 || attached == null && manifests.size() != 1) {
        problems.add(manifests.size() + " manifests for one run: " + manifests);
      }
      int uploads = s3.openUploads(FOLDER);
      if (uploads > 0) {
        problems.add(uploads + " multipart upload(s) left open");
      }
      if (attached == null && manifests.size() == 1) {
        problems.addAll(restoreMatches(manifests.get(0), before, "sweep.events_2020_01", ++restores));
      }
      return problems;
    }
  }

  /** Restores {@code manifestKey} through RestorePartition (no crash) and compares the rows with {@code expected}. */
  static List<String> restoreMatches(String manifestKey, String expected, String table, int n) throws Exception {
    RestorePartitionResult r = stub(RestorePartitionWorkflow.class,
        WorkflowIds.restorePartition("main", "postgres", table) + ":check-" + n)
        .run(RestorePartitionInput.of("main", "postgres", manifestKey));
    try {
      String restored = Sql.fingerprint(primary, r.table());
      return restored.equals(expected) ? List.of()
          : List.of("the archive restores to " + restored + ", the partition held " + expected);
    } finally {
      Sql.exec(primary, "DROP TABLE IF EXISTS " + r.table());
    }
  }

  /** PartitionMaintenance of sweep_pm.metrics: two expired months (archive: false) dropped, the current month kept. */
  static final class MaintenanceScenario implements Scenario {
    private String current;
    private String currentRows;
    private List<String> cleanPartitions;

    @Override
    public String runbook() {
      return "PartitionMaintenance";
    }

    @Override
    public void prepare() throws Exception {
      Sql.exec(primary, "DROP SCHEMA IF EXISTS sweep_pm CASCADE", "CREATE SCHEMA sweep_pm",
          "CREATE TABLE sweep_pm.metrics (id bigint, ts timestamptz NOT NULL, v text) PARTITION BY RANGE (ts)",
          "CREATE TABLE sweep_pm.metrics_2020_01 PARTITION OF sweep_pm.metrics FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00')",
          "CREATE TABLE sweep_pm.metrics_2020_02 PARTITION OF sweep_pm.metrics FOR VALUES FROM ('2020-02-01 00:00+00') TO ('2020-03-01 00:00+00')",
          """
          DO $$ DECLARE f date := date_trunc('month', now() AT TIME ZONE 'UTC')::date; BEGIN
            EXECUTE format('CREATE TABLE sweep_pm.%I PARTITION OF sweep_pm.metrics FOR VALUES FROM (%L) TO (%L)',
              'metrics_' || to_char(f, 'YYYY_MM'), f::timestamp AT TIME ZONE 'UTC', (f + 31)::date::timestamp AT TIME ZONE 'UTC');
          END $$""",
          "INSERT INTO sweep_pm.metrics SELECT g, timestamptz '2020-01-01 00:00+00' + g * interval '20 minutes', md5(g::text)"
              + " FROM generate_series(1, 4000) g",
          "INSERT INTO sweep_pm.metrics SELECT 10000 + g, date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
              + " + g * interval '1 minute', md5(g::text) FROM generate_series(1, 500) g");
      current = "sweep_pm.metrics_" + Sql.value(primary, "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')");
      currentRows = Sql.fingerprint(primary, current);
    }

    @Override
    public WorkflowStub start(String suffix) {
      PartitionMaintenanceWorkflow wf = stub(PartitionMaintenanceWorkflow.class,
          WorkflowIds.partitionMaintenance("main", "postgres") + ":" + suffix);
      WorkflowClient.start(wf::run, new PartitionMaintenanceInput("main", "postgres", List.of("sweep_pm.metrics"), null,
          false, "crash-sweep", "crash sweep"));
      return WorkflowStub.fromTyped(wf);
    }

    @Override
    public Class<?> resultType() {
      return PartitionMaintenanceResult.class;
    }

    @Override
    public List<String> check(Object result, Throwable failure) throws Exception {
      List<String> problems = new ArrayList<>();
      if (failure != null) {
        problems.add("run failed: " + failure);
      } else {
        PartitionMaintenanceResult r = (PartitionMaintenanceResult) result;
        if (r.report().outcome() != RunbookState.COMPLETED) {
          problems.add("run ended " + r.report().outcome() + ": " + r.report().summary());
        }
      }
      List<String> partitions = Sql.column(primary, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
          + " WHERE i.inhparent = 'sweep_pm.metrics'::regclass ORDER BY 1");
      if (partitions.stream().anyMatch(p -> p.startsWith("metrics_2020_"))) {
        problems.add("expired partitions left: " + partitions);
      }
      if (cleanPartitions == null) {
        cleanPartitions = partitions;
      } else if (!partitions.equals(cleanPartitions)) {
        problems.add("partitions " + partitions + ", the clean run left " + cleanPartitions);
      }
      String now = Sql.fingerprint(primary, current);
      if (!now.equals(currentRows)) {
        problems.add("current partition " + now + ", before " + currentRows);
      }
      List<String> lone = Sql.loneTables(primary, "sweep_pm");
      if (!lone.isEmpty()) {
        problems.add("tables outside the parent: " + lone);
      }
      return problems;
    }
  }

  /** RestorePartition into sweep_r.restored of an archive of sweep_src.kept_2020_01 made once (drop: false). */
  static final class RestoreScenario implements Scenario {
    private String manifestKey;
    private String source;

    @Override
    public String runbook() {
      return "RestorePartition";
    }

    @Override
    public void prepare() throws Exception {
      if (manifestKey == null) {
        Sql.exec(primary, "DROP SCHEMA IF EXISTS sweep_src CASCADE", "CREATE SCHEMA sweep_src",
            "CREATE TABLE sweep_src.kept (id bigint, ts timestamptz NOT NULL, payload text) PARTITION BY RANGE (ts)",
            "CREATE TABLE sweep_src.kept_2020_01 PARTITION OF sweep_src.kept FOR VALUES FROM ('2020-01-01 00:00+00') TO ('2020-02-01 00:00+00')",
            "INSERT INTO sweep_src.kept SELECT g, timestamptz '2020-01-01 00:00+00' + g * interval '9 minutes',"
                + " md5(g::text) || ',\"quoted\"' FROM generate_series(1, 2500) g");
        s3.clear(PREFIX + "/main/postgres/sweep_src/");
        source = Sql.fingerprint(primary, "sweep_src.kept_2020_01");
        ArchivePartitionResult a = stub(ArchivePartitionWorkflow.class,
            WorkflowIds.archivePartition("main", "postgres", "sweep_src.kept_2020_01") + ":source")
            .run(new ArchivePartitionInput("main", "postgres", "sweep_src.kept_2020_01", false, false, null, false,
                "crash-sweep", "source of the restore sweep"));
        manifestKey = a.manifestKey();
      }
      Sql.exec(primary, "DROP SCHEMA IF EXISTS sweep_r CASCADE", "CREATE SCHEMA sweep_r");
    }

    @Override
    public WorkflowStub start(String suffix) {
      RestorePartitionWorkflow wf = stub(RestorePartitionWorkflow.class,
          WorkflowIds.restorePartition("main", "postgres", "sweep_r.restored") + ":" + suffix);
      WorkflowClient.start(wf::run, new RestorePartitionInput("main", "postgres", manifestKey, "sweep_r.restored", false,
          false, "crash-sweep", "crash sweep"));
      return WorkflowStub.fromTyped(wf);
    }

    @Override
    public Class<?> resultType() {
      return RestorePartitionResult.class;
    }

    @Override
    public List<String> check(Object result, Throwable failure) throws Exception {
      List<String> problems = new ArrayList<>();
      if (failure != null) {
        problems.add("run failed: " + failure);
      } else if (((RestorePartitionResult) result).report().outcome() != RunbookState.COMPLETED) {
        problems.add("run ended " + ((RestorePartitionResult) result).report().outcome());
      }
      List<String> tables = Sql.loneTables(primary, "sweep_r");
      if (!tables.equals(List.of("restored"))) {
        problems.add("tables in sweep_r: " + tables + " (expected exactly [restored])");
      }
      if (tables.contains("restored")) {
        String got = Sql.fingerprint(primary, "sweep_r.restored");
        if (!got.equals(source)) {
          problems.add("restored " + got + ", archived " + source);
        }
      }
      return problems;
    }
  }
}
