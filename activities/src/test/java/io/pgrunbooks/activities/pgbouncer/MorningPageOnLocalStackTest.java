package io.pgrunbooks.activities.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.activities.backup.BackupStoreActivitiesImpl;
import io.pgrunbooks.activities.config.ConfigActivitiesImpl;
import io.pgrunbooks.activities.node.NodeActivitiesImpl;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.HealthDetailActivitiesImpl;
import io.pgrunbooks.activities.postgres.PostgresActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PgBouncerServer;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolFactsInput;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolState;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.healthcheck.Finding;
import io.pgrunbooks.workflows.healthcheck.HealthCheckInput;
import io.pgrunbooks.workflows.healthcheck.HealthCheckResult;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflow;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflowImpl;
import io.pgrunbooks.workflows.healthcheck.HealthStatus;
import io.pgrunbooks.workflows.healthcheck.NodeHealth;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HealthCheck's morning page (issues 16, 18) with the real activities against the shared stack's PostgreSQL and
 * PgBouncer: real sessions, a real blocking chain, a real inactive slot, a real pool with a waiting client.
 */
class MorningPageOnLocalStackTest {
  private static final String TABLE = "public.morning_page_lock_target";
  private static final String SLOT = "morning_page_unused_slot";
  private static final String POOL = "morning_pool";

  private TestWorkflowEnvironment env;
  private PgBouncerServer bouncer;
  private byte[] originalIni;
  private HealthDetailActivitiesImpl details;

  @BeforeEach
  void setUp() throws Exception {
    bouncer = TestStack.stack().pgbouncer();
    originalIni = Files.readAllBytes(bouncer.iniFile());
    RunbooksConfig config = config();
    ConnectionFactory connections = new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5),
        Duration.ofSeconds(30));
    details = new HealthDetailActivitiesImpl(config, connections, TestStack.env());
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .build());
    TestEnvironments.registerSearchAttributes(env);
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(HealthCheckWorkflowImpl.class);
    central.registerActivitiesImplementations(new ConfigActivitiesImpl(config), new NotifyActivitiesImpl(config),
        new BackupStoreActivitiesImpl(config, TestStack.env()), new PostgresActivitiesImpl(config, connections),
        details, new io.pgrunbooks.workflows.replay.KeptReports());
    for (PostgresNode node : TestStack.stack().postgres().nodes()) {
      env.newWorker(TaskQueues.node(node.name())).registerActivitiesImplementations(
          new NodeActivitiesImpl(config, node.name()));
    }
    env.start();
    primary().psql("postgres", "CREATE TABLE IF NOT EXISTS " + TABLE + " (id int)");
  }

  @AfterEach
  void tearDown() throws Exception {
    env.close();
    PgBouncerActivitiesImpl.writeKeepingOwner(bouncer.iniFile(), new String(originalIni, StandardCharsets.UTF_8));
    reloadBouncer();
    primary().psql("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
        + " WHERE slot_name = '" + SLOT + "'");
  }

  @Test
  void idleInTransactionBlockerAndItsWaiterShowInTheReport() throws Exception {
    try (Connection blocker = primary().connect("postgres"); Connection waiter = primary().connect("postgres")) {
      int blockerPid = pid(blocker);
      blocker.setAutoCommit(false);
      exec(blocker, "LOCK TABLE " + TABLE + " IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> execQuietly(waiter, "SELECT count(*) FROM "
          + TABLE));
      Thread.sleep(2500);

      HealthCheckResult result = run();
      blocker.rollback();
      waited.get(20, TimeUnit.SECONDS);

      NodeHealth p = primaryHealth(result);
      assertThat(p.findings()).filteredOn(f -> f.check().equals("blocking"))
          .anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(f.message()).startsWith("pid " + blockerPid + " (postgres@postgres, idle in transaction, head"
                + " of the chain) blocks 1 session, the longest waiting ");
            assertThat(f.message()).contains("LOCK TABLE " + TABLE);
          });
      assertThat(p.findings()).filteredOn(f -> f.check().equals("sessions")).extracting(Finding::message)
          .anySatisfy(m -> assertThat(m).matches("\\d+ idle in transaction, the oldest pid \\d+ for \\d+ s.*"));
      assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(result.status()).isNotEqualTo(HealthStatus.HEALTHY);
    }
  }

  @Test
  void inactiveReplicationSlotIsReportedWithTheWalItKeeps() {
    primary().psql("postgres", "SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");

    HealthCheckResult result = run();

    assertThat(primaryHealth(result).findings()).filteredOn(f -> f.check().equals("replication-slots"))
        .anySatisfy(f -> {
          assertThat(f.severity()).isEqualTo(HealthStatus.DEGRADED);
          assertThat(f.message()).startsWith("inactive physical slot " + SLOT + ": ");
          assertThat(f.message()).contains("of WAL retained, wal_status reserved");
        });
  }

  @Test
  void pgBouncerPoolWithAWaitingClientMakesTheClusterDegraded() throws Exception {
    Path ini = bouncer.iniFile();
    String text = new String(originalIni, StandardCharsets.UTF_8);
    PgBouncerActivitiesImpl.writeKeepingOwner(ini, text.replaceFirst("\\[databases\\]\n", "[databases]\n" + POOL
        + " = host=127.0.0.1 port=" + primary().port() + " dbname=postgres pool_size=1\n"));
    reloadBouncer();
    try (Connection holder = throughBouncer(); Connection queued = throughBouncer()) {
      holder.setAutoCommit(false);
      exec(holder, "SELECT 1");
      CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> execQuietly(queued, "SELECT 1"));
      PoolState pool = awaitWaiting();
      assertThat(pool.clientsWaiting()).isEqualTo(1);
      assertThat(pool.poolSize()).isEqualTo(1);
      assertThat(pool.serverConnections()).isEqualTo(1);

      HealthCheckResult result = run();
      holder.rollback();
      waited.get(20, TimeUnit.SECONDS);

      assertThat(result.clusterFindings()).filteredOn(f -> f.check().equals("pgbouncer"))
          .anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(f.message()).startsWith("pool " + POOL + "/postgres: 1 clients active, 1 waiting");
            assertThat(f.message()).contains("1 server connections of pool_size 1");
          });
      assertThat(result.status()).isNotEqualTo(HealthStatus.HEALTHY);
      assertThat(result.toString()).doesNotContain(SharedStack.PASSWORD);
    }
  }

  @Test
  void invalidIndexWraparoundAgesWalAndArchiverAreReadFromThePrimary() throws Exception {
    try (Connection c = primary().connect("postgres")) {
      exec(c, "DROP TABLE IF EXISTS public.morning_page_dups; CREATE TABLE public.morning_page_dups (v int);"
          + " INSERT INTO public.morning_page_dups VALUES (1), (1)");
      // A failed CREATE INDEX CONCURRENTLY leaves its index behind, INVALID: what the morning page must show.
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> exec(c,
          "CREATE UNIQUE INDEX CONCURRENTLY morning_page_dups_v ON public.morning_page_dups (v)"))).isNotNull();

      var facts = details.collectDetailFacts(new io.pgrunbooks.workflows.activities.HealthFactsInput(
          TestStack.CLUSTER, primary().name()));

      assertThat(facts.error()).isNull();
      assertThat(facts.primary()).isTrue();
      assertThat(facts.invalidIndexes()).extracting(i -> i.database() + "." + i.index())
          .contains("postgres.public.morning_page_dups_v");
      assertThat(facts.databases()).extracting(x -> x.database()).contains("postgres", "template0");
      assertThat(facts.databases()).allSatisfy(x -> assertThat(x.xidAge()).isPositive());
      assertThat(facts.oldestTables()).isNotEmpty().allSatisfy(t -> assertThat(t.table()).contains("."));
      assertThat(facts.walBytes()).isPositive();
      assertThat(facts.archiver()).isNotNull();
      var replica = details.collectDetailFacts(new io.pgrunbooks.workflows.activities.HealthFactsInput(
          TestStack.CLUSTER, TestStack.stack().postgres().replicas().get(0).name()));
      assertThat(replica.primary()).isFalse();
      assertThat(replica.walBytes()).isPositive();
      assertThat(replica.invalidIndexes()).as("per-database facts come from the primary only").isEmpty();
    } finally {
      primary().psql("postgres", "DROP TABLE IF EXISTS public.morning_page_dups");
    }
  }

  @Test
  void bloatedIndexIsEstimatedWithHypopgAsReindexDoesAndDegradesTheNode() throws Exception {
    String db = "morning_page_bloat";
    try (Connection c = primary().connect("postgres")) {
      exec(c, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      exec(c, "CREATE DATABASE " + db);
    }
    try {
      try (Connection c = primary().connect(db)) {
        exec(c, "CREATE EXTENSION hypopg");
        exec(c, "CREATE TABLE public.events (id bigint PRIMARY KEY, note text)");
        exec(c, "INSERT INTO public.events SELECT g, md5(g::text) FROM generate_series(1, 100000) g");
        exec(c, "CREATE INDEX events_note_idx ON public.events (note)");
        // 90% of the rows go; the index keeps its pages: bloated against a fresh copy.
        exec(c, "DELETE FROM public.events WHERE id % 10 <> 0");
        exec(c, "VACUUM ANALYZE public.events");
      }

      try (Connection locker = primary().connect(db)) {
        locker.setAutoCommit(false);
        exec(locker, "LOCK TABLE public.events IN ACCESS EXCLUSIVE MODE");
        long started = System.nanoTime();
        HealthCheckResult locked = run();
        locker.rollback();
        // Behind an exclusive lock the estimate gives up after lock_timeout instead of holding up the check.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(primaryHealth(locked).findings()).extracting(Finding::message)
            .noneMatch(m -> m.startsWith("morning-page facts not collected"))
            .noneMatch(m -> m.contains(db + ".public.events_note_idx"));
      }

      HealthCheckResult result = run();

      assertThat(primaryHealth(result).findings()).filteredOn(f -> f.check().equals("bloat"))
          .anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(f.message()).startsWith("index " + db + ".public.events_note_idx bloated: ");
          });
    } finally {
      try (Connection c = primary().connect("postgres")) {
        exec(c, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  private PoolState awaitWaiting() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      List<PoolState> pools = details.collectPoolFacts(new PoolFactsInput(TestStack.CLUSTER)).pools();
      PoolState p = pools.stream().filter(s -> s.database().equals(POOL)).findFirst().orElse(null);
      if ((p != null && p.clientsWaiting() > 0) || System.nanoTime() > deadline) {
        assertThat(p).as("pool %s in %s", POOL, pools).isNotNull();
        return p;
      }
      Thread.sleep(200);
    }
  }

  private Connection throughBouncer() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + bouncer.host() + ":" + bouncer.port() + "/" + POOL
        + "?prepareThreshold=0", "postgres", SharedStack.PASSWORD);
  }

  private void reloadBouncer() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + bouncer.host() + ":" + bouncer.port()
        + "/pgbouncer?" + io.pgrunbooks.config.PgBouncerConsole.URL_PARAMETERS, "postgres", SharedStack.PASSWORD);
         Statement s = c.createStatement()) {
      s.execute("RELOAD");
    }
  }

  private HealthCheckResult run() {
    return env.getWorkflowClient().newWorkflowStub(HealthCheckWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(TaskQueues.CENTRAL)
            .setWorkflowId(WorkflowIds.healthCheck(TestStack.CLUSTER))
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build())
        .run(HealthCheckInput.of(TestStack.CLUSTER));
  }

  private static NodeHealth primaryHealth(HealthCheckResult r) {
    return r.nodes().stream().filter(n -> n.node().equals(primary().name())).findFirst().orElseThrow();
  }

  private RunbooksConfig config() {
    StringBuilder yaml = new StringBuilder("worker:\n  agentStartTimeout: 5s\nclusters:\n  " + TestStack.CLUSTER
        + ":\n    nodes:\n");
    for (PostgresNode n : TestStack.stack().postgres().nodes()) {
      yaml.append("      - {name: %s, host: %s, port: %d, dataDir: %s}\n".formatted(n.name(), n.host(), n.port(),
          n.dataDir().toAbsolutePath()));
    }
    yaml.append("""
            credentials:
              user: postgres
              passwordEnv: %s
            health:
              idleInTransactionDegradedSeconds: 1
              blockingDegradedSeconds: 1
            pgbouncer:
              host: %s
              port: %d
              adminUser: postgres
        """.formatted(TestStack.PASSWORD_ENV, bouncer.host(), bouncer.port()));
    return ConfigLoader.parse(yaml.toString(), TestStack.env(), "morning-page-test");
  }

  private static PostgresNode primary() {
    return TestStack.stack().postgres().primary();
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void execQuietly(Connection c, String sql) {
    try {
      exec(c, sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
