package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.PgBouncerServer;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.poolresize.PoolResizeWorkflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PoolResize end to end: central worker and the agent of the PgBouncer host as processes, the stack's real
 * PgBouncer and its pgbouncer.ini; approved by signal, reverted by its timer.
 */
class PoolResizeEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static WorkerFixture fixture;
  private static PgBouncerServer bouncer;
  private static byte[] original;
  private static String withEntry;

  @BeforeAll
  static void start() throws Exception {
    fixture = new WorkerFixture();
    bouncer = fixture.stack.pgbouncer();
    String node = fixture.stack.postgres().primary().name();
    Files.writeString(fixture.config, Files.readString(fixture.config).replace("    credentials:\n", """
            pgbouncer:
              host: %s
              port: %d
              node: %s
              adminUser: postgres
              configFile: %s
            credentials:
        """.formatted(bouncer.host(), bouncer.port(), node, bouncer.iniFile())) + """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
            - {name: bob, roles: [approver]}
        """);
    original = Files.readAllBytes(bouncer.iniFile());
    withEntry = new String(original, StandardCharsets.UTF_8).replaceFirst("\\[databases\\]\n", "[databases]\n"
        + "; e2e pool\ne2e_pool = host=127.0.0.1 port=" + fixture.stack.postgres().primary().port()
        + " dbname=postgres pool_size=4\n");
    Files.writeString(bouncer.iniFile(), withEntry);
    reload();
    fixture.startWorker();
    fixture.startAgent(node);
  }

  @AfterAll
  static void stop() throws Exception {
    if (original != null) {
      Files.write(bouncer.iniFile(), original);
      reload();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void approvedResizeIsShownByPgBouncerAndRevertedByItsTimer() throws Exception {
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("PoolResize", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("pool-resize:main:e2e_pool-" + UUID.randomUUID()).build());
    run.start(Map.of("cluster", "main", "database", "e2e_pool", "poolSize", 6, "revertAfter", "8s",
        "requestedBy", "alice", "reason", "e2e"));
    PoolResizeWorkflow typed = fixture.client.newWorkflowStub(PoolResizeWorkflow.class,
        run.getExecution().getWorkflowId());
    String requestId = null;
    for (int i = 0; i < 300 && requestId == null; i++) {
      var pending = typed.progress().pendingApprovals();
      requestId = pending.isEmpty() ? null : pending.get(0).requestId();
      Thread.sleep(300);
    }
    assertThat(requestId).as(fixture.allLogs()).isNotNull();
    assertThat(shownPoolSize()).isEqualTo(4);
    run.signal("approve", new ApprovalSignal(requestId, "bob", "clients waiting", null));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (shownPoolSize() != 6 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(shownPoolSize()).isEqualTo(6);
    JsonNode result = JSON.valueToTree(run.getResult(120, TimeUnit.SECONDS, Map.class));
    assertThat(result.at("/report/outcome").asText()).as(result.toPrettyString()).isEqualTo("COMPLETED");
    assertThat(result.at("/reverted").asBoolean()).isTrue();
    assertThat(shownPoolSize()).isEqualTo(4);
    assertThat(Files.readString(bouncer.iniFile())).isEqualTo(withEntry);
  }

  private static void reload() throws Exception {
    try (Connection c = bouncer.connectAdmin(); Statement s = c.createStatement()) {
      s.execute("RELOAD");
    }
  }

  private static int shownPoolSize() throws Exception {
    try (Connection c = bouncer.connectAdmin(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW DATABASES")) {
      while (rs.next()) {
        if ("e2e_pool".equals(rs.getString("name"))) {
          return rs.getInt("pool_size");
        }
      }
      return -1;
    }
  }
}
