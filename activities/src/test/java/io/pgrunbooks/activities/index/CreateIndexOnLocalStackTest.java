package io.pgrunbooks.activities.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresIndexActivitiesImpl;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.CreateIndexSpec;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.ExplainInput;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.IndexBuild;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.IndexBuildInput;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.IndexPlan;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.StatementCost;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CreateIndex's activities on the local stack's primary, with pg_stat_statements and HypoPG. */
class CreateIndexOnLocalStackTest {
  private static final String DB = "index_test";
  private static PostgresIndexActivitiesImpl activities;
  private static PostgresNode primary;

  @BeforeAll
  static void setUp() throws SQLException {
    primary = TestStack.stack().postgres().currentPrimary();
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION pg_stat_statements");
      st.execute("CREATE EXTENSION hypopg");
    }
    var config = TestStack.config(300);
    activities = new PostgresIndexActivitiesImpl(config,
        new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)));
  }

  private static void table(String name, int rows) throws SQLException {
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS public." + name);
      st.execute("CREATE TABLE public." + name + " (id bigserial PRIMARY KEY, customer_id int NOT NULL,"
          + " email text NOT NULL, note text, deleted_at timestamptz)");
      st.execute("INSERT INTO public." + name + " (customer_id, email, note) SELECT g % 5000, 'user' || (g % 1000)"
          + " || '@example.com', md5(g::text) FROM generate_series(1, " + rows + ") g");
      st.execute("ANALYZE public." + name);
    }
  }

  private static CreateIndexSpec spec(String table, List<String> columns, String name) {
    return new CreateIndexSpec(TestStack.CLUSTER, DB, "public." + table, columns, null, name, false, null, null);
  }

  private static IndexBuildInput buildInput(IndexPlan plan) {
    return new IndexBuildInput(TestStack.CLUSTER, DB, plan.table(), plan.name(), plan.indexDef(), plan.statement(), 3, 2000);
  }

  private static List<String> indexesNamed(String like) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = primary.connect(DB); PreparedStatement ps = c.prepareStatement("SELECT ic.relname || ':'"
        + " || i.indisvalid FROM pg_class ic JOIN pg_index i ON i.indexrelid = ic.oid WHERE ic.relname LIKE ?")) {
      ps.setString(1, like);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  @Test
  void slowStatementOnAnUnindexedColumnGetsAWhatIfGainAndTheBuiltIndexDeliversIt() throws SQLException {
    table("orders", 100_000);
    try (Connection c = primary.connect(DB);
         PreparedStatement ps = c.prepareStatement("SELECT * FROM public.orders WHERE customer_id = ?")) {
      for (int i = 0; i < 5; i++) {
        ps.setInt(1, i);
        ps.executeQuery().close();
      }
    }
    IndexPlan plan = activities.planCreateIndex(spec("orders", List.of("customer_id"), "orders_customer_id_idx"));
    assertThat(plan.statement()).isEqualTo(
        "CREATE INDEX CONCURRENTLY \"orders_customer_id_idx\" ON public.orders USING btree (customer_id)");
    assertThat(plan.estimatedBytes()).isPositive();
    StatementCost q = plan.statements().stream().filter(s -> s.query().contains("customer_id =")).findFirst().orElseThrow();
    assertThat(q.costAfter()).isLessThan(q.costBefore() / 5);
    assertThat(plan.equivalentIndex()).isNull();

    IndexBuild build = activities.buildIndex(buildInput(plan));
    assertThat(build.built()).isTrue();
    assertThat(build.bytes()).isPositive();
    assertThat(indexesNamed("orders_customer_id_idx")).containsExactly("orders_customer_id_idx:true");
    List<StatementCost> after = activities.analyzeAndExplain(new ExplainInput(TestStack.CLUSTER, DB, plan.table(),
        plan.statements()));
    StatementCost real = after.stream().filter(s -> s.queryId().equals(q.queryId())).findFirst().orElseThrow();
    assertThat(real.costAfter()).isLessThan(real.costBefore() / 5);
    System.out.println("what-if cost " + q.costBefore() + " -> " + q.costAfter() + "; real after build " + real.costAfter());

    // The same index again is refused as equivalent; running the build again is a no-op success.
    assertThat(activities.planCreateIndex(spec("orders", List.of("customer_id"), "orders_other_idx")).equivalentIndex())
        .isEqualTo("public.orders_customer_id_idx");
    assertThat(activities.buildIndex(buildInput(plan)).alreadyBuilt()).isTrue();
  }

  @Test
  void uniqueBuildOverDuplicatesFailsAndLeavesNoInvalidIndex() throws SQLException {
    table("dupes", 20_000);
    IndexPlan plan = activities.planCreateIndex(new CreateIndexSpec(TestStack.CLUSTER, DB, "public.dupes",
        List.of("email"), null, "dupes_email_key", true, null, null));
    assertThat(plan.statement()).startsWith("CREATE UNIQUE INDEX CONCURRENTLY \"dupes_email_key\" ON public.dupes");
    IndexBuild build = activities.buildIndex(buildInput(plan));
    assertThat(build.built()).isFalse();
    assertThat(build.error()).contains("could not create unique index").contains("is duplicated");
    assertThat(build.cleanup()).anyMatch(l -> l.contains("dropped INVALID index public.dupes_email_key"));
    assertThat(indexesNamed("dupes_%")).containsExactly("dupes_pkey:true");
  }

  @Test
  void writesKeepFlowingDuringAConcurrentBuild() throws Exception {
    table("busy", 400_000);
    IndexPlan plan = activities.planCreateIndex(spec("busy", List.of("note", "email"), "busy_note_email_idx"));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong longest = new AtomicLong();
    AtomicLong inserts = new AtomicLong();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (Connection c = primary.connect(DB);
           PreparedStatement ps = c.prepareStatement("INSERT INTO public.busy (customer_id, email, note) VALUES (1, 'w', 'x')")) {
        while (!stop.get()) {
          long t0 = System.nanoTime();
          ps.executeUpdate();
          longest.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
          inserts.incrementAndGet();
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    long t0 = System.nanoTime();
    IndexBuild build;
    try {
      Thread.sleep(200);
      build = activities.buildIndex(buildInput(plan));
    } finally {
      stop.set(true);
      writer.get(30, TimeUnit.SECONDS);
    }
    long buildMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("CREATE INDEX CONCURRENTLY on 400k rows took " + buildMs + " ms; " + inserts.get()
        + " inserts meanwhile; longest insert stall " + longest.get() + " ms");
    assertThat(build.built()).isTrue();
    assertThat(inserts.get()).isGreaterThan(10);
    assertThat(longest.get()).isLessThan(2_000);
  }

  @Test
  void aCrashedAttemptIsTerminatedAndItsInvalidIndexDroppedByTheRetry() throws Exception {
    table("crashy", 10_000);
    IndexPlan plan = activities.planCreateIndex(spec("crashy", List.of("customer_id"), "crashy_customer_id_idx"));
    IndexBuildInput in = buildInput(plan);
    String app = "pg-runbooks create-index public.crashy_customer_id_idx";
    // An open writer makes the first attempt wait after it created its INVALID catalog entry.
    Connection writer = primary.connect(DB);
    writer.setAutoCommit(false);
    writer.createStatement().execute("INSERT INTO public.crashy (customer_id, email) VALUES (1, 'w')");
    Connection crashed = primary.connect(DB);
    crashed.createStatement().execute("SET application_name = '" + app + "'");
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
      try {
        crashed.createStatement().execute(plan.statement());
      } catch (SQLException expectedTerminated) {
        // the retry terminates it
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!indexesNamed("crashy_customer_id_idx").contains("crashy_customer_id_idx:false")) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(100);
    }
    CompletableFuture<Void> commitLater = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(1500);
        writer.commit();
        writer.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    IndexBuild retry = activities.buildIndex(in);
    commitLater.get(30, TimeUnit.SECONDS);
    first.get(30, TimeUnit.SECONDS);
    crashed.close();
    assertThat(retry.built()).isTrue();
    assertThat(retry.cleanup()).anyMatch(l -> l.startsWith("terminated the backend of an earlier attempt"))
        .anyMatch(l -> l.equals("dropped INVALID index public.crashy_customer_id_idx"));
    assertThat(indexesNamed("crashy_%")).containsExactlyInAnyOrder("crashy_pkey:true", "crashy_customer_id_idx:true");
  }

  @Test
  void unknownNamesAndInjectionAttemptsAreRefusedBeforeAnythingChanges() throws SQLException {
    table("victim", 1_000);
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS public.parted (id int, at date) PARTITION BY RANGE (at)");
    }
    assertThatThrownBy(() -> activities.planCreateIndex(spec("parted", List.of("id"), "x_idx")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getOriginalMessage()).contains("partitioned"));
    List<CreateIndexSpec> bad = List.of(
        spec("nosuch", List.of("customer_id"), "x_idx"),
        spec("victim", List.of("nosuch"), "x_idx"),
        spec("victim", List.of("customer_id); DROP TABLE public.victim; --"), "x_idx"),
        spec("victim", List.of("customer_id) WITH (fillfactor = 10"), "x_idx"),
        spec("victim", List.of("(SELECT max(id) FROM public.victim)"), "x_idx"),
        spec("victim", List.of("customer_id /* */"), "x_idx"),
        spec("victim", List.of("pg_terminate_backend(1)"), "x_idx"),
        new CreateIndexSpec(TestStack.CLUSTER, DB, "public.victim", List.of("email"), null, "x_idx", false, null,
            "true) TABLESPACE pg_global WHERE (true"),
        new CreateIndexSpec(TestStack.CLUSTER, DB, "public.victim", List.of("email"), null, "x_idx", false, null,
            "deleted_at IS NULL; DROP TABLE public.victim"),
        new CreateIndexSpec(TestStack.CLUSTER, DB, "public.victim", null,
            "CREATE INDEX ON public.victim (email); DROP TABLE public.victim", "x_idx", false, null, null),
        new CreateIndexSpec(TestStack.CLUSTER, DB, "public.victim", null,
            "DROP TABLE public.victim", "x_idx", false, null, null),
        new CreateIndexSpec(TestStack.CLUSTER, DB, "public.victim", null,
            "CREATE INDEX ON pg_catalog.pg_class (relname)", "x_idx", false, null, null));
    for (CreateIndexSpec s : bad) {
      assertThatThrownBy(() -> activities.planCreateIndex(s)).as(s.toString())
          .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo("BadInput"));
    }
    assertThat(indexesNamed("victim%")).containsExactly("victim_pkey:true");
    try (Connection c = primary.connect(DB); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM public.victim")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1_000);
    }
    // An expression and a partial predicate PostgreSQL accepts are planned, as PostgreSQL deparses them.
    IndexPlan ok = activities.planCreateIndex(new CreateIndexSpec(TestStack.CLUSTER, DB, "public.victim",
        List.of("lower(email)", "customer_id DESC"), null, "victim_lower_email_idx", false, null, "deleted_at IS NULL"));
    assertThat(ok.statement()).isEqualTo("CREATE INDEX CONCURRENTLY \"victim_lower_email_idx\" ON public.victim USING btree"
        + " (lower(email), customer_id DESC) WHERE (deleted_at IS NULL)");
  }
}
