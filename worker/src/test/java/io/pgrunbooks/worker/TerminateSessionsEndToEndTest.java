package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TerminateSessions end to end: the worker as a process, the real primary, a real blocking chain; started by type
 * name with the contract's JSON, approved by signal.
 */
class TerminateSessionsEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final String ROLE = "sessions_e2e";
  private static final String TABLE = "public.sessions_e2e_target";
  private static WorkerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = new WorkerFixture();
    Files.writeString(fixture.config, Files.readString(fixture.config) + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
            - {name: bob, roles: [approver]}
        """);
    fixture.startWorker();
    primary().psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
        + "CREATE ROLE " + ROLE + " LOGIN PASSWORD 'e2e-pw'; END IF; END $$; "
        + "CREATE TABLE IF NOT EXISTS " + TABLE + " (id int); GRANT ALL ON " + TABLE + " TO " + ROLE);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void approvedRunEndsOnlyTheBlockerAndTheWaiterProceeds() throws Exception {
    try (Connection blocker = app("blocker"); Connection waiter = app("waiter"); Connection innocent = app("innocent")) {
      blocker.setAutoCommit(false);
      exec(blocker, "LOCK TABLE " + TABLE + " IN ACCESS EXCLUSIVE MODE");
      int blockerPid = pid(blocker);
      CompletableFuture<Integer> waited = CompletableFuture.supplyAsync(() -> {
        try (Statement st = waiter.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE)) {
          rs.next();
          return rs.getInt(1);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(2500);

      WorkflowStub run = start(Map.of("cluster", "main", "database", "postgres", "blockingLongerThan", "1s",
          "user", ROLE, "requestedBy", "alice", "reason", "e2e"));
      TerminateSessionsWorkflow typed = fixture.client.newWorkflowStub(TerminateSessionsWorkflow.class,
          run.getExecution().getWorkflowId());
      String requestId = awaitRequest(typed);
      assertThat(waited).as("nothing is signalled before the approval").isNotDone();
      run.signal("approve", new ApprovalSignal(requestId, "bob", "stuck lock", null));

      JsonNode result = JSON.valueToTree(run.getResult(120, TimeUnit.SECONDS, Map.class));
      assertThat(result.at("/report/outcome").asText()).as(result.toPrettyString()).isEqualTo("COMPLETED");
      assertThat(result.at("/terminated").toString()).isEqualTo("[" + blockerPid + "]");
      assertThat(result.at("/selected")).hasSize(1);
      assertThat(waited.get(30, TimeUnit.SECONDS)).isZero();
      assertThat(alive(innocent)).isTrue();
      assertThat(alive(blocker)).isFalse();
    }
  }

  @Test
  void dryRunSignalsNothing() throws Exception {
    try (Connection holder = app("dry-run-holder")) {
      holder.setAutoCommit(false);
      exec(holder, "SELECT 1");
      Thread.sleep(1500);
      WorkflowStub run = start(Map.of("cluster", "main", "idleInTransactionLongerThan", "1s",
          "application", "dry-run-holder", "dryRun", true));

      JsonNode result = JSON.valueToTree(run.getResult(120, TimeUnit.SECONDS, Map.class));
      assertThat(result.at("/selected")).hasSize(1);
      assertThat(result.at("/report/plan").toString()).contains("pg_terminate_backend(" + pid(holder) + ")");
      assertThat(alive(holder)).isTrue();
    }
  }

  private static WorkflowStub start(Map<String, Object> input) {
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("TerminateSessions", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("terminate-sessions:main-" + UUID.randomUUID()).build());
    run.start(input);
    return run;
  }

  private static String awaitRequest(TerminateSessionsWorkflow run) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      var pending = run.progress().pendingApprovals();
      if (!pending.isEmpty()) {
        return pending.get(0).requestId();
      }
      Thread.sleep(300);
    }
    throw new AssertionError("no approval was asked within 90 s:\n" + fixture.allLogs());
  }

  private static Connection app(String application) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", ROLE);
    p.setProperty("password", "e2e-pw");
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
    return fixture.stack.postgres().primary();
  }
}
