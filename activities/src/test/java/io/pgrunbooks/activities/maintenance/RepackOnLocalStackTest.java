package io.pgrunbooks.activities.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresRepackActivitiesImpl;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackFacts;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackOutcome;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackTarget;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.repack.RepackRules;
import io.pgrunbooks.workflows.activities.RepackActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.util.concurrent.CopyOnWriteArrayList;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Repack's activities with the real pg_repack 1.4.8 against the local stack's primary. */
class RepackOnLocalStackTest {
  private static final String DB = "repack_test";
  private static PostgresRepackActivitiesImpl activities;
  private static PostgresNode primary;

  @BeforeAll
  static void setUp() throws SQLException {
    primary = TestStack.stack().postgres().currentPrimary();
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION pg_repack");
      st.execute("CREATE EXTENSION hypopg");
      st.execute("CREATE TABLE public.no_key (id int, note text)");
      st.execute("CREATE TABLE public.nullable_unique (id int UNIQUE, note text)");
    }
    var config = TestStack.config(300);
    activities = new PostgresRepackActivitiesImpl(config,
        new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5), Duration.ofSeconds(60)), TestStack::env);
  }

  /** A table with 80% dead rows and autovacuum off: what Repack is for. */
  private static void bloated(String name, int rows) throws SQLException {
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS public." + name);
      st.execute("CREATE TABLE public." + name + " (id bigint PRIMARY KEY, kind int, note text)"
          + " WITH (autovacuum_enabled = false)");
      st.execute("INSERT INTO public." + name + " SELECT g, g % 10, md5(g::text) FROM generate_series(1, " + rows
          + ") g");
      st.execute("CREATE INDEX " + name + "_note_idx ON public." + name + " (note)");
      st.execute("DELETE FROM public." + name + " WHERE id % 5 <> 0");
      st.execute("ANALYZE public." + name);
    }
  }

  private static RepackTarget target(String table) {
    return new RepackTarget(TestStack.CLUSTER, DB, table);
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = primary.connect(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long repackObjects() throws SQLException {
    return count("SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger') + (SELECT count(*) FROM"
        + " pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'repack'"
        + " AND c.relname ~ '^(log|table)_[0-9]+$')");
  }

  @Test
  void bloatedTableIsEstimatedThenRepackedSmallerWithNothingLeftBehind() throws SQLException {
    bloated("events", 200_000);
    RepackFacts facts = activities.inspectRepack(target("public.events"));
    System.out.println("events before repack: " + RepackRules.tableBloat(facts) + "; indexes " + facts.indexes());
    assertThat(facts.keyProblem()).isNull();
    assertThat(facts.extensionProblem()).isNull();
    assertThat(facts.key()).isEqualTo("events_pkey (primary key)");
    // 40,000 of 200,000 rows are left: a fresh copy is about a fifth of the table.
    assertThat(facts.freshTableBytes()).isBetween(facts.tableBytes() / 8, facts.tableBytes() / 3);
    assertThat(facts.liveTuples()).isEqualTo(40_000);
    assertThat(facts.deadTuples()).isGreaterThan(100_000);
    assertThat(facts.indexes()).extracting(s -> s.index()).contains("public.events_pkey", "public.events_note_idx");
    assertThat(facts.leftovers()).isEmpty();

    RepackOutcome done = activities.repack(target("public.events"));
    System.out.println("events repacked: table " + done.tableBytesBefore() + " -> " + done.tableBytesAfter()
        + ", indexes " + done.indexBytesBefore() + " -> " + done.indexBytesAfter() + " in " + done.seconds() + " s");
    assertThat(done.tableBytesAfter()).isLessThan(done.tableBytesBefore() / 3);
    assertThat(done.indexBytesAfter()).isLessThan(done.indexBytesBefore() / 2);
    assertThat(count("SELECT count(*) FROM public.events")).isEqualTo(40_000);
    assertThat(repackObjects()).isZero();
  }

  @Test
  void pgRepackKilledMidwayLeavesNothingBehindAfterTheActivitysCleanup() throws Exception {
    bloated("orders", 50_000);
    long rows = count("SELECT count(*) FROM public.orders");
    // An open transaction makes pg_repack wait after it has created its trigger and log table.
    try (Connection blocker = primary.connect(DB); Statement b = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      b.execute("SELECT txid_current()");
      CompletableFuture<RepackOutcome> run = CompletableFuture.supplyAsync(() -> activities.repack(target(
          "public.orders")));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (repackObjects() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(repackObjects()).as("pg_repack's trigger and log table while it waits").isGreaterThanOrEqualTo(2);
      List<ProcessHandle> clients = ProcessHandle.current().descendants()
          .filter(p -> p.info().command().orElse("").endsWith("pg_repack")).toList();
      assertThat(clients).hasSize(1);
      clients.get(0).destroyForcibly();
      assertThatThrownBy(run::join).cause().isInstanceOfSatisfying(ApplicationFailure.class, f -> {
        assertThat(f.getType()).isEqualTo(PostgresRepackActivitiesImpl.REPACK_FAILED);
        assertThat(f.getMessage()).contains("dropped what it left").contains("trigger repack_trigger");
      });
      blocker.rollback();
    }
    assertThat(repackObjects()).isZero();
    assertThat(count("SELECT count(*) FROM public.orders")).isEqualTo(rows);
    // The table still takes writes (no trigger writing into a dropped log table) and can be repacked again.
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("INSERT INTO public.orders VALUES (9000001, 1, 'after the kill')");
    }
    assertThat(activities.repack(target("public.orders")).tableBytesAfter()).isPositive();
    assertThat(repackObjects()).isZero();
  }

  @Test
  void cancelledRepackHeartbeatsWhatPgRepackSaysIsKilledAndLeavesNothing() throws Exception {
    bloated("refunds", 20_000);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (Connection blocker = primary.connect(DB); Statement b = blocker.createStatement()) {
      env.registerActivitiesImplementations(activities);
      List<String> beats = new CopyOnWriteArrayList<>();
      env.setActivityHeartbeatListener(String.class, beats::add);
      RepackActivities stub = env.newActivityStub(RepackActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5)).setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
      blocker.setAutoCommit(false);
      b.execute("SELECT txid_current()");
      CompletableFuture<RepackOutcome> run = CompletableFuture.supplyAsync(() -> stub.repack(target("public.refunds")));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((repackObjects() < 2 || beats.isEmpty()) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      System.out.println("pg_repack heartbeats: " + beats);
      // pg_repack's own words while it waits for the older transaction, and the copy's size so far.
      assertThat(beats).anyMatch(h -> h.startsWith("pg_repack public.refunds: ") && h.contains("Waiting for 1"
          + " transactions to finish"));
      env.requestCancelActivity();
      assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(CanceledFailure.class);
      blocker.rollback();
    } finally {
      env.close();
    }
    assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").endsWith("pg_repack"))
        .toList()).isEmpty();
    assertThat(repackObjects()).isZero();
  }

  @Test
  void leftoversOfAHardKilledRunAreFoundAndDroppedByTheCleanup() throws Exception {
    bloated("ledger", 20_000);
    try (Connection blocker = primary.connect(DB); Statement b = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      b.execute("SELECT txid_current()");
      // A pg_repack nobody supervises (a worker host that died): killed with its objects in place.
      ProcessBuilder pb = new ProcessBuilder("pg_repack", "--no-password", "--host", primary.host(), "--port",
          Integer.toString(primary.port()), "--username", "postgres", "--dbname", DB, "--table", "public.ledger",
          "--no-kill-backend").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("PGPASSWORD", TestStack.env().get(TestStack.PASSWORD_ENV));
      Process raw = pb.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (repackObjects() < 2 && System.nanoTime() < deadline && raw.isAlive()) {
        Thread.sleep(200);
      }
      raw.destroyForcibly().waitFor();
      blocker.rollback();
    }
    RepackFacts facts = activities.inspectRepack(target("public.ledger"));
    assertThat(facts.leftovers()).contains("trigger repack_trigger on public.ledger")
        .anyMatch(l -> l.startsWith("table repack.log_"));
    assertThat(activities.cleanupRepack(target("public.ledger"))).isEqualTo(facts.leftovers());
    assertThat(repackObjects()).isZero();
    assertThat(activities.cleanupRepack(target("public.ledger"))).isEmpty();
  }

  @Test
  void tablesPgRepackRefusesAndUnknownTablesAreReportedBeforeAnyChange() {
    RepackFacts noKey = activities.inspectRepack(target("public.no_key"));
    assertThat(RepackRules.keyProblem(noKey)).contains("neither a primary key nor a unique index")
        .contains("replays the changes");
    assertThat(activities.inspectRepack(target("public.nullable_unique")).keyProblem()).isNotNull();
    assertThatThrownBy(() -> activities.inspectRepack(target("public.nope")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT));
    assertThatThrownBy(() -> activities.inspectRepack(target("public.x; drop table y")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT));
  }
}
