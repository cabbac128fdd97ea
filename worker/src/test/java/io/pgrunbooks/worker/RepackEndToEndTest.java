package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.repack.RepackWorkflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repack end to end: the central worker (which runs the pg_repack client) and the primary's agent (disk headroom)
 * as processes, the real pg_repack against the stack's primary; approved by signal.
 */
class RepackEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static final String DB = "repack_e2e";
  private static WorkerFixture fixture;
  private static PostgresNode primary;

  @BeforeAll
  static void start() throws Exception {
    fixture = new WorkerFixture();
    primary = fixture.stack.postgres().currentPrimary();
    Files.writeString(fixture.config, Files.readString(fixture.config) + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
        """);
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION pg_repack");
      st.execute("CREATE EXTENSION hypopg");
      for (String t : List.of("invoices", "payments")) {
        st.execute("CREATE TABLE public." + t + " (id bigint PRIMARY KEY, note text) WITH (autovacuum_enabled = false)");
        st.execute("INSERT INTO public." + t + " SELECT g, md5(g::text) FROM generate_series(1, 100000) g");
        st.execute("DELETE FROM public." + t + " WHERE id % 5 <> 0");
        st.execute("ANALYZE public." + t);
      }
    }
    fixture.startWorker();
    fixture.startAgent(primary.name());
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static WorkflowStub startRepack(String table) {
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("Repack", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("repack:main:" + DB + ":" + table + "-" + UUID.randomUUID())
        .build());
    run.start(Map.of("cluster", "main", "database", DB, "table", table, "requestedBy", "ops", "reason", "e2e"));
    return run;
  }

  private static void approve(WorkflowStub run) throws InterruptedException {
    RepackWorkflow typed = fixture.client.newWorkflowStub(RepackWorkflow.class, run.getExecution().getWorkflowId());
    String requestId = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (requestId == null && System.nanoTime() < deadline) {
      var progress = typed.progress();
      requestId = progress.pendingApprovals().isEmpty() ? null : progress.pendingApprovals().get(0).requestId();
      if (requestId == null && progress.state() == RunbookState.FAILED) {
        break;
      }
      Thread.sleep(300);
    }
    assertThat(requestId).as(fixture.allLogs()).isNotNull();
    run.signal("approve", new ApprovalSignal(requestId, "alice", "80% dead", null));
  }

  private static long count(String sql) throws Exception {
    try (Connection c = primary.connect(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long repackObjects() throws Exception {
    return count("SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'repack_trigger') + (SELECT count(*) FROM"
        + " pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'repack'"
        + " AND c.relname ~ '^(log|table)_[0-9]+$')");
  }

  @Test
  void approvedRepackShrinksTheTableAndReportsSizesBeforeAndAfter() throws Exception {
    long before = count("SELECT pg_table_size('public.invoices')");
    WorkflowStub run = startRepack("public.invoices");
    approve(run);
    JsonNode result = JSON.valueToTree(run.getResult(180, TimeUnit.SECONDS, Map.class));
    assertThat(result.at("/report/outcome").asText()).as(result.toPrettyString()).isEqualTo("COMPLETED");
    assertThat(result.at("/outcome/tableBytesBefore").asLong()).isEqualTo(before);
    assertThat(result.at("/outcome/tableBytesAfter").asLong()).isLessThan(before / 3)
        .isEqualTo(count("SELECT pg_table_size('public.invoices')"));
    assertThat(result.at("/before/freshTableBytes").asLong()).isLessThan(before / 3);
    assertThat(count("SELECT count(*) FROM public.invoices")).isEqualTo(20_000);
    assertThat(repackObjects()).isZero();
  }

  @Test
  void pgRepackKilledMidwayFailsTheRunWhichDropsWhatItLeft() throws Exception {
    try (Connection blocker = primary.connect(DB); Statement b = blocker.createStatement()) {
      // pg_repack waits for this transaction after it has created its trigger and log table.
      blocker.setAutoCommit(false);
      b.execute("SELECT txid_current()");
      WorkflowStub run = startRepack("public.payments");
      approve(run);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (repackObjects() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(repackObjects()).as(fixture.allLogs()).isGreaterThanOrEqualTo(2);
      // The pg_repack client is a child of the worker process, itself a child of this JVM.
      List<ProcessHandle> clients = ProcessHandle.current().descendants()
          .filter(p -> p.info().command().orElse("").endsWith("pg_repack")).toList();
      assertThat(clients).hasSize(1);
      clients.get(0).destroyForcibly();
      assertThatThrownBy(() -> run.getResult(120, TimeUnit.SECONDS, Map.class))
          .rootCause().hasMessageContaining("pg_repack of public.payments failed")
          .hasMessageContaining("dropped what it left");
      blocker.rollback();
      RepackWorkflow typed = fixture.client.newWorkflowStub(RepackWorkflow.class, run.getExecution().getWorkflowId());
      var progress = typed.progress();
      assertThat(progress.state()).isEqualTo(RunbookState.FAILED);
      assertThat(progress.steps()).anyMatch(s -> s.name().equals("cleanup"));
    }
    assertThat(repackObjects()).isZero();
    assertThat(count("SELECT count(*) FROM public.payments")).isEqualTo(20_000);
  }
}
