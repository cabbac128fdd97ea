package io.pgrunbooks.activities.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.SessionActivities.Action;
import io.pgrunbooks.workflows.activities.SessionActivities.Criteria;
import io.pgrunbooks.workflows.activities.SessionActivities.Outcome;
import io.pgrunbooks.workflows.activities.SessionActivities.Session;
import io.pgrunbooks.workflows.activities.SessionActivities.Signal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TerminateSessions' activities against the real primary of the shared local stack: real sessions, real signals. */
class SessionActivitiesOnLocalStackTest {
  private static final String ROLE = "sessions_app";
  private static final String TABLE = "public.sessions_lock_target";
  private static SessionActivitiesImpl activities;

  @BeforeAll
  static void setUp() {
    RunbooksConfig config = TestStack.config(1);
    activities = new SessionActivitiesImpl(config, new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5),
        Duration.ofSeconds(60)));
    primary().psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
        + "CREATE ROLE " + ROLE + " LOGIN PASSWORD 'sessions-pw'; END IF; END $$; "
        + "CREATE TABLE IF NOT EXISTS " + TABLE + " (id int); GRANT ALL ON " + TABLE + " TO " + ROLE);
  }

  @Test
  void onlyTheBlockerIsTerminatedTheWaiterProceedsAndTheInnocentStays() throws Exception {
    try (Connection blocker = app("blocker"); Connection waiter = app("waiter"); Connection innocent = app("innocent");
         Connection idler = app("idler")) {
      blocker.setAutoCommit(false);
      exec(blocker, "LOCK TABLE " + TABLE + " IN ACCESS EXCLUSIVE MODE");
      idler.setAutoCommit(false);
      exec(idler, "SELECT 1");
      CompletableFuture<Integer> waited = CompletableFuture.supplyAsync(() -> {
        try (Statement st = waiter.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE)) {
          rs.next();
          return rs.getInt(1);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Criteria blocking = new Criteria(TestStack.CLUSTER, "postgres", null, 1L, null, ROLE, null, null, 11);
      List<Session> found = awaitSessions(blocking);

      assertThat(found).singleElement().satisfies(s -> {
        assertThat(s.pid()).isEqualTo(pid(blocker));
        assertThat(s.application()).isEqualTo("blocker");
        assertThat(s.user()).isEqualTo(ROLE);
        assertThat(s.state()).isEqualTo("idle in transaction");
        assertThat(s.blocks()).isEqualTo(1);
        assertThat(s.blockingSeconds()).isGreaterThanOrEqualTo(1);
        assertThat(s.query()).contains("LOCK TABLE");
      });
      Session s = found.get(0);
      // A cancel does not free an idle-in-transaction blocker: it still matches, so terminate follows.
      assertThat(activities.signalSession(new Signal(blocking, s.pid(), s.backendStartMicros(), Action.CANCEL)))
          .isEqualTo(Outcome.CANCELLED);
      assertThat(activities.signalSession(new Signal(blocking, s.pid(), s.backendStartMicros(), Action.TERMINATE)))
          .isEqualTo(Outcome.TERMINATED);

      assertThat(waited.get(20, TimeUnit.SECONDS)).isZero();
      assertThat(alive(innocent)).isTrue();
      assertThat(alive(idler)).isTrue();
      assertThat(alive(blocker)).isFalse();
      // Retried after it worked: nothing to hit any more.
      assertThat(activities.signalSession(new Signal(blocking, s.pid(), s.backendStartMicros(), Action.TERMINATE)))
          .isEqualTo(Outcome.GONE);
    }
  }

  @Test
  void aPidNowOwnedByAnotherSessionIsNeverSignalled() throws Exception {
    try (Connection holder = app("reused-pid")) {
      holder.setAutoCommit(false);
      exec(holder, "SELECT 1");
      Criteria idle = new Criteria(TestStack.CLUSTER, null, 0L, null, null, ROLE, "reused-pid", null, 11);
      Session s = awaitSessions(idle).get(0);

      // Same pid, another backend_start: what a new session reusing the pid looks like.
      for (Action a : Action.values()) {
        assertThat(activities.signalSession(new Signal(idle, s.pid(), s.backendStartMicros() + 1, a)))
            .isEqualTo(Outcome.GONE);
      }
      assertThat(alive(holder)).isTrue();
    }
  }

  @Test
  void aSessionThatStoppedMatchingIsLeftAlone() throws Exception {
    try (Connection holder = app("committed-later")) {
      holder.setAutoCommit(false);
      exec(holder, "SELECT 1");
      Criteria idle = new Criteria(TestStack.CLUSTER, "postgres", 0L, null, null, null, "committed-later", null, 11);
      Session s = awaitSessions(idle).get(0);
      holder.commit();

      assertThat(activities.signalSession(new Signal(idle, s.pid(), s.backendStartMicros(), Action.TERMINATE)))
          .isEqualTo(Outcome.NO_LONGER_MATCHES);
      assertThat(alive(holder)).isTrue();
    }
  }

  @Test
  void superuserSessionsAreNeverSelected() throws Exception {
    try (Connection su = primary().connect("postgres")) {
      exec(su, "SET application_name = 'su-idle'");
      su.setAutoCommit(false);
      exec(su, "SELECT 1");
      Thread.sleep(300);
      assertThat(activities.findSessions(new Criteria(TestStack.CLUSTER, null, 0L, null, null, null, "su-idle", null,
          11))).isEmpty();
      assertThat(alive(su)).isTrue();
    }
  }

  @Test
  void theConnectionBudgetIsReadFromTheCurrentPrimary() {
    var b = activities.connectionBudget(TestStack.CLUSTER);

    assertThat(b.primaryNode()).isEqualTo(primary().name());
    assertThat(b.primaryPort()).isEqualTo(primary().port());
    assertThat(b.maxConnections()).isEqualTo(Integer.parseInt(primary().psql("postgres", "SHOW max_connections")));
    assertThat(b.superuserReserved()).isEqualTo(Integer.parseInt(primary().psql("postgres",
        "SHOW superuser_reserved_connections")));
    assertThat(b.replication()).isEqualTo(Integer.parseInt(primary().psql("postgres", "SHOW max_wal_senders")));
  }

  @Test
  void anUnknownDatabaseIsBadInputBeforeAnything() {
    assertThatThrownBy(() -> activities.findSessions(new Criteria(TestStack.CLUSTER, "no_such_db", 0L, null, null,
        null, null, null, 11)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains("no_such_db");
        });
  }

  private static List<Session> awaitSessions(Criteria c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      List<Session> found = activities.findSessions(c);
      if (!found.isEmpty() || System.nanoTime() > deadline) {
        return found;
      }
      Thread.sleep(200);
    }
  }

  private static Connection app(String application) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", ROLE);
    p.setProperty("password", "sessions-pw");
    p.setProperty("ApplicationName", application);
    return DriverManager.getConnection(primary().jdbcUrl("postgres"), p);
  }

  private static boolean alive(Connection c) {
    try (Statement st = c.createStatement()) {
      st.setQueryTimeout(5);
      st.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static PostgresNode primary() {
    return TestStack.stack().postgres().primary();
  }
}
