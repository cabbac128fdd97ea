package io.pgrunbooks.activities.vacuum;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresVacuumActivitiesImpl;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.VacuumActivities.ReplicaLag;
import io.pgrunbooks.workflows.activities.VacuumActivities.TableVacuum;
import io.pgrunbooks.workflows.activities.VacuumActivities.VacuumTableInput;
import io.pgrunbooks.workflows.activities.VacuumActivities.VacuumTarget;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzeInput;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzeResult;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzeWorkflow;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumAnalyzeWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The VacuumAnalyze workflow with its real activities on the local stack's primary and replica. */
class VacuumAnalyzeOnLocalStackTest {
  private static final String DB = "vacuum_test";
  private static PostgresCluster pg;
  private TestWorkflowEnvironment env;
  private PostgresVacuumActivitiesImpl activities;

  @BeforeAll
  static void createDatabase() throws Exception {
    pg = TestStack.stack().postgres();
    try (Connection c = pg.currentPrimary().connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    PostgresNode replica = pg.replicas().get(0);
    // The lag is read in the run's database on the replica: it must have replayed its creation.
    awaitTrue(() -> {
      try (Connection c = replica.connect(DB)) {
        return true;
      } catch (SQLException notYet) {
        return false;
      }
    }, Duration.ofSeconds(30));
  }

  @BeforeEach
  void setUp() {
    RunbooksConfig config = TestStack.config(300);
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .build());
    TestEnvironments.registerSearchAttributes(env);
    var central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(VacuumAnalyzeWorkflowImpl.class);
    activities = new PostgresVacuumActivitiesImpl(config,
        new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(30)));
    central.registerActivitiesImplementations(new NotifyActivitiesImpl(config), activities,
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void tableWithEightyPercentDeadTuplesAndAutovacuumOffIsChosenVacuumedAndItsDeadTuplesAreGone() throws Exception {
    deadTable("public.events_dead80");
    sql("CREATE TABLE public.events_clean (id int); INSERT INTO public.events_clean SELECT generate_series(1, 1000)");
    sql("VACUUM ANALYZE public.events_clean");
    awaitTrue(() -> deadTuples("public.events_dead80") >= 80_000, Duration.ofSeconds(20));

    VacuumAnalyzeResult r = start(VacuumAnalyzeInput.of(TestStack.CLUSTER, DB, null)).get();

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.plan()).extracting(p -> p.table()).contains("public.events_dead80")
        .doesNotContain("public.events_clean");
    assertThat(r.plan()).filteredOn(p -> p.table().equals("public.events_dead80")).singleElement()
        .satisfies(p -> assertThat(p.why()).startsWith("80% dead (80000 of 100000)"));
    TableVacuum v = r.done().stream().filter(d -> d.table().equals("public.events_dead80")).findFirst().orElseThrow();
    assertThat(v.deadBefore()).isEqualTo(80_000);
    assertThat(v.deadAfter()).isZero();
    // The dead rows were the table's tail: VACUUM truncates those pages.
    assertThat(v.pagesRemoved()).isGreaterThan(0).isEqualTo(v.pagesBefore() - v.pagesAfter());
    assertThat(v.statement()).isEqualTo("VACUUM (ANALYZE) \"public\".\"events_dead80\"");
    assertThat(deadTuples("public.events_dead80")).isZero();
    assertThat(query("SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables"
        + " WHERE relid = 'public.events_dead80'::regclass")).isEqualTo("t");
    assertThat(r.report().approvals()).isEmpty();
  }

  @Test
  void pausedReplayOnTheReplicaHoldsTheRunUntilReplayResumes() throws Exception {
    deadTable("public.events_lagged");
    PostgresNode replica = pg.replicas().get(0);
    CompletableFuture<VacuumAnalyzeResult> run;
    try (Connection r = replica.connect(DB); Statement st = r.createStatement()) {
      st.execute("SELECT pg_wal_replay_pause()");
      try {
        sql("CREATE TABLE public.lag_marker (id int)");
        Thread.sleep(2_500);
        List<ReplicaLag> lag = activities.replicaLag(new VacuumTarget(TestStack.CLUSTER, DB, List.of()));
        assertThat(lag).singleElement().satisfies(l -> {
          assertThat(l.node()).isEqualTo(replica.name());
          assertThat(l.problem()).isNull();
          assertThat(l.seconds()).isGreaterThan(2);
        });
        run = start(new VacuumAnalyzeInput(TestStack.CLUSTER, DB, List.of("public.events_lagged"), null, null, 1, null,
            null, false, null, null));
        VacuumAnalyzeWorkflow live = env.getWorkflowClient().newWorkflowStub(VacuumAnalyzeWorkflow.class,
            WorkflowIds.vacuumAnalyze(TestStack.CLUSTER, DB));
        io.pgrunbooks.workflows.replay.TestEnvironments.awaitTrue(
            () -> live.progress().currentStep().contains("paused: " + replica.name() + " replays"), "the run pauses");
        assertThat(query("SELECT last_vacuum IS NULL FROM pg_stat_user_tables"
            + " WHERE relid = 'public.events_lagged'::regclass")).isEqualTo("t");
      } finally {
        st.execute("SELECT pg_wal_replay_resume()");
      }
    }
    VacuumAnalyzeResult r = run.get();

    assertThat(r.replicaPauses()).isEqualTo(1);
    assertThat(r.report().steps()).filteredOn(s -> s.name().equals("paused for replica lag")).singleElement()
        .satisfies(s -> assertThat(s.detail()).startsWith(replica.name() + " replays").endsWith("; resumed"));
    assertThat(r.done()).extracting(TableVacuum::table).containsExactly("public.events_lagged");
    assertThat(deadTuples("public.events_lagged")).isZero();
  }

  @Test
  void unknownTableFailsBeforeAnyTableIsVacuumed() throws Exception {
    deadTable("public.events_untouched");
    assertApplicationFailure(() -> stub().run(VacuumAnalyzeInput.of(TestStack.CLUSTER, DB,
        List.of("public.events_untouched", "public.no_such_table"))), FailureTypes.BAD_INPUT,
        "no such table in database " + DB + ": public.no_such_table");
    assertApplicationFailure(() -> stub().run(VacuumAnalyzeInput.of(TestStack.CLUSTER, DB,
        List.of("public.events_untouched\"; DROP TABLE x; --"))), FailureTypes.BAD_INPUT, "schema.name");
    assertThat(query("SELECT last_vacuum IS NULL FROM pg_stat_user_tables"
        + " WHERE relid = 'public.events_untouched'::regclass")).isEqualTo("t");
  }

  @Test
  void retryAfterAWorkerCrashEndsTheOrphanedVacuumAndConverges() throws Exception {
    deadTable("public.events_crashed");
    awaitTrue(() -> deadTuples("public.events_crashed") >= 80_000, Duration.ofSeconds(20));
    // What a crashed worker leaves: its session, under the activity's application_name, still holding the lock a
    // VACUUM takes (SHARE UPDATE EXCLUSIVE), so a plain retry would wait for it.
    try (Connection orphan = pg.currentPrimary().connect(DB); Statement st = orphan.createStatement()) {
      st.execute("SET application_name = 'pg-runbooks vacuum public.events_crashed'");
      orphan.setAutoCommit(false);
      st.execute("LOCK TABLE public.events_crashed IN SHARE UPDATE EXCLUSIVE MODE");
      long started = System.nanoTime();

      TableVacuum v = activities.vacuumTable(new VacuumTableInput(TestStack.CLUSTER, DB, "public.events_crashed",
          false, false));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
      assertThat(v.deadBefore()).isEqualTo(80_000);
      assertThat(v.deadAfter()).isZero();
      assertThat(orphan.isValid(2)).isFalse();
    }
    // And once more, as a second retry would: VACUUM is idempotent.
    TableVacuum again = activities.vacuumTable(new VacuumTableInput(TestStack.CLUSTER, DB, "public.events_crashed",
        false, false));
    assertThat(again.deadBefore()).isZero();
    assertThat(again.deadAfter()).isZero();
    assertThat(deadTuples("public.events_crashed")).isZero();
  }

  /** 100k rows, autovacuum off, the last 80% deleted (by a session that ends, so its statistics are flushed). */
  private static void deadTable(String table) throws SQLException {
    sql("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (id int, note text)"
        + " WITH (autovacuum_enabled = false); INSERT INTO " + table + " SELECT g, md5(g::text)"
        + " FROM generate_series(1, 100000) g; ANALYZE " + table + "; DELETE FROM " + table + " WHERE id > 20000");
  }

  private CompletableFuture<VacuumAnalyzeResult> start(VacuumAnalyzeInput in) {
    CompletableFuture<VacuumAnalyzeResult> f = WorkflowClient.execute(stub()::run, in);
    return f;
  }

  private VacuumAnalyzeWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(VacuumAnalyzeWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(WorkflowIds.vacuumAnalyze(TestStack.CLUSTER, DB))
        .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
        .build());
  }

  private static long deadTuples(String table) throws SQLException {
    return Long.parseLong(query("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = '" + table + "'::regclass"));
  }

  private static void sql(String statements) throws SQLException {
    try (Connection c = pg.currentPrimary().connect(DB); Statement st = c.createStatement()) {
      st.execute(statements);
    }
  }

  private static String query(String q) throws SQLException {
    try (Connection c = pg.currentPrimary().connect(DB); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(q)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Check check, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (!check.holds()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not reached within " + timeout);
      }
      Thread.sleep(200);
    }
  }
}
