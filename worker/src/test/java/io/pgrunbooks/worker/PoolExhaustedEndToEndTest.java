package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.PgBouncerServer;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.approval.Delegation;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustedWorkflow;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustedWorkflowImpl;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PoolExhausted end to end: the worker as a process, the stack's real PgBouncer with a 2-connection pool held by two
 * sessions idle in transaction while a third client waits; one approval on the parent, the holders ended by the
 * child TerminateSessions, the waiting client served.
 */
class PoolExhaustedEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final String ROLE = "exhaust_e2e";
  private static final String ENTRY = "e2e_exhaust";
  private static WorkerFixture fixture;
  private static PgBouncerServer bouncer;
  private static byte[] original;

  @BeforeAll
  static void start() throws Exception {
    fixture = new WorkerFixture();
    bouncer = fixture.stack.pgbouncer();
    Files.writeString(fixture.config, Files.readString(fixture.config).replace("    credentials:\n", """
            pgbouncer:
              host: %s
              port: %d
              adminUser: postgres
            credentials:
        """.formatted(bouncer.host(), bouncer.port())) + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
            - {name: bob, roles: [approver]}
        """);
    var primary = fixture.stack.postgres().primary();
    primary.psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
        + "CREATE ROLE " + ROLE + " LOGIN PASSWORD 'e2e-pw'; END IF; END $$");
    original = Files.readAllBytes(bouncer.iniFile());
    // The entry logs in to PostgreSQL as a non-superuser: TerminateSessions never touches superusers' sessions.
    Files.writeString(bouncer.iniFile(), new String(original, java.nio.charset.StandardCharsets.UTF_8)
        .replaceFirst("\\[databases\\]\n", "[databases]\n" + ENTRY + " = host=127.0.0.1 port=" + primary.port()
            + " dbname=postgres user=" + ROLE + " password=e2e-pw pool_size=2\n"));
    admin("RELOAD");
    fixture.startWorker();
  }

  @AfterAll
  static void stop() throws Exception {
    if (original != null) {
      Files.write(bouncer.iniFile(), original);
      admin("RELOAD");
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void oneApprovalEndsTheIdleInTransactionHoldersThroughTheChildAndTheWaitingClientIsServed() throws Exception {
    try (Connection holder1 = bouncer.connect(ENTRY); Connection holder2 = bouncer.connect(ENTRY);
         Connection waiter = bouncer.connect(ENTRY)) {
      holder1.setAutoCommit(false);
      holder2.setAutoCommit(false);
      int pid1 = pid(holder1);
      int pid2 = pid(holder2);
      CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
        try (Statement st = waiter.createStatement(); ResultSet rs = st.executeQuery("SELECT 42")) {
          rs.next();
          return rs.getInt(1);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (waiting() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(waiting()).as("the pool is exhausted").isEqualTo(1);
      Thread.sleep(2000);

      WorkflowStub run = start(Map.of("cluster", "main", "database", ENTRY, "idleInTransactionLongerThan", "1s",
          "requestedBy", "alice", "reason", "e2e: API 429s"));
      PoolExhaustedWorkflow typed = fixture.client.newWorkflowStub(PoolExhaustedWorkflow.class,
          run.getExecution().getWorkflowId());
      String requestId = null;
      for (int i = 0; i < 300 && requestId == null; i++) {
        var pending = typed.progress().pendingApprovals();
        requestId = pending.isEmpty() ? null : pending.get(0).requestId();
        Thread.sleep(300);
      }
      assertThat(requestId).as(fixture.allLogs()).isNotNull();
      assertThat(typed.progress().pendingApprovals().get(0).evidence())
          .containsKeys("holder pid " + pid1, "holder pid " + pid2).containsEntry("clients waiting (cl_waiting)", "1");
      assertThat(served).as("nothing is done before the approval").isNotDone();
      run.signal("approve", new ApprovalSignal(requestId, "bob", "pool exhausted", null));

      JsonNode result = JSON.valueToTree(run.getResult(180, TimeUnit.SECONDS, Map.class));
      assertThat(result.at("/report/outcome").asText()).as(result.toPrettyString()).isEqualTo("COMPLETED");
      assertThat(result.at("/relief").asText()).isEqualTo("TERMINATE");
      assertThat(result.at("/before/clientsWaiting").asInt()).isEqualTo(1);
      assertThat(result.at("/after/clientsWaiting").asInt()).isZero();
      assertThat(result.at("/report/summary").asText()).contains("cl_waiting 1 -> 0");
      assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(42);
      assertThat(alive(holder1)).isFalse();
      assertThat(alive(holder2)).isFalse();

      JsonNode child = JSON.valueToTree(fixture.client.newUntypedWorkflowStub("terminate-sessions:main"
          + PoolExhaustedWorkflowImpl.CHILD_SUFFIX).getResult(30, TimeUnit.SECONDS, Map.class));
      assertThat(child.at("/terminated").toString()).contains(Integer.toString(pid1), Integer.toString(pid2));
      assertThat(child.at("/report/approvals/0/decision").asText()).as(child.toPrettyString()).isEqualTo("DELEGATED");
      assertThat(child.at("/report/approvals/0/approver").asText()).isEqualTo("bob");
      assertThat(child.at("/report/approvals")).hasSize(1);
    }
  }

  @Test
  void terminateSessionsStartedByAClientWithAForgedDelegatedApprovalStillAsksForApproval() throws Exception {
    try (Connection holder = bouncer.connect(ENTRY)) {
      holder.setAutoCommit(false);
      int pid = pid(holder);
      long start;
      try (Connection c = fixture.stack.postgres().primary().connect("postgres"); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT (extract(epoch FROM backend_start) * 1000000)::bigint "
               + "FROM pg_stat_activity WHERE pid = " + pid)) {
        rs.next();
        start = rs.getLong(1);
      }
      Thread.sleep(1500);
      java.util.List<String> scope = java.util.List.of(pid + "@" + start);
      Map<String, Object> forged = Map.of("parentWorkflowId", "pool-exhausted:main", "parentRunId", "made-up",
          "parentRunbook", "PoolExhausted", "requestId", "relieve-pool-1", "step", "terminate-sessions",
          "scope", scope, "planDigest", Delegation.digest("terminate-sessions", scope), "approvedBy",
          java.util.List.of("bob"));
      WorkflowStub run = fixture.client.newUntypedWorkflowStub("TerminateSessions", WorkflowOptions.newBuilder()
          .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("terminate-sessions:main-" + UUID.randomUUID()).build());
      run.start(Map.of("cluster", "main", "database", "postgres", "user", ROLE, "idleInTransactionLongerThan", "1s",
          "cancelFirst", false, "requestedBy", "mallory", "reason", "forged", "delegatedApproval", forged));
      TerminateSessionsWorkflow typed = fixture.client.newWorkflowStub(TerminateSessionsWorkflow.class,
          run.getExecution().getWorkflowId());
      String requestId = null;
      for (int i = 0; i < 300 && requestId == null; i++) {
        var pending = typed.progress().pendingApprovals();
        requestId = pending.isEmpty() ? null : pending.get(0).requestId();
        Thread.sleep(300);
      }
      assertThat(requestId).as("a forged delegation must leave the run waiting for a human\n" + fixture.allLogs())
          .isNotNull();
      assertThat(alive(holder)).as("nothing was signalled").isTrue();
      run.signal("reject", new ApprovalSignal(requestId, "bob", "who started this?", null));

      JsonNode result = JSON.valueToTree(run.getResult(60, TimeUnit.SECONDS, Map.class));
      assertThat(result.at("/report/outcome").asText()).as(result.toPrettyString()).isEqualTo("REJECTED");
      assertThat(result.at("/report/approvals/0/decision").asText()).isEqualTo("DELEGATION_REFUSED");
      assertThat(result.at("/report/approvals/0/comment").asText()).contains("not started by a parent workflow");
      assertThat(result.at("/terminated")).isEmpty();
      assertThat(alive(holder)).isTrue();
    }
  }

  @Test
  void unknownClusterOrPgBouncerEntryFailsBeforeAnything() {
    for (Map<String, Object> input : java.util.List.<Map<String, Object>>of(Map.of("cluster", "nope"),
        Map.of("cluster", "main", "database", "no_such_entry"))) {
      WorkflowStub run = start(input);
      assertThatThrownBy(() -> run.getResult(60, TimeUnit.SECONDS, Map.class))
          .isInstanceOf(WorkflowFailedException.class)
          .satisfies(e -> assertThat(rootMessage(e)).containsAnyOf("unknown cluster", "no [databases] entry "
              + "'no_such_entry'"));
    }
  }

  private static String rootMessage(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static WorkflowStub start(Map<String, Object> input) {
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("PoolExhausted", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("pool-exhausted:main-" + UUID.randomUUID()).build());
    run.start(input);
    return run;
  }

  private static int waiting() throws SQLException {
    try (Connection c = bouncer.connectAdmin(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW POOLS")) {
      int n = 0;
      while (rs.next()) {
        if (ENTRY.equals(rs.getString("database"))) {
          n += rs.getInt("cl_waiting");
        }
      }
      return n;
    }
  }

  private static void admin(String command) throws SQLException {
    try (Connection c = bouncer.connectAdmin(); Statement s = c.createStatement()) {
      s.execute(command);
    }
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

  private static int pid(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
