package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PitrMarkers;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.pitr.PointInTimeRestoreWorkflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PointInTimeRestore {@code into: inPlace} through the public contract on a stack of its own (pg1 primary archiving to
 * pgBackRest over HTTPS, pg2 streaming, PgBouncer in front of pg1), the worker and both node agents as processes:
 * approved by alice and bob, the cluster goes back to a whole-second target (the row before it stays, the one after
 * is gone), PgBouncer serves the restored primary, and the run's child ReplicaRebuild (on the same approval, no
 * further vote) makes pg2 a replica of the new timeline.
 */
class PointInTimeRestoreEndToEndTest {
  private static final ObjectMapper JSON = DataConverters.objectMapper();
  private static PgBackRestEndToEnd e2e;
  private static LocalStack stack;
  private static WorkerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    e2e = PgBackRestEndToEnd.start("pitr", o -> o);
    stack = e2e.stack;
    fixture = e2e.fixture;
    e2e.writeConfig("", FailoverFixture.bouncerAndRebuildYaml(stack), """
        approvals:
          defaultTimeout: 1h
          approvers:
            - {name: alice, roles: [approver]}
            - {name: bob, roles: [approver]}
          twoPersonRunbooks: [PointInTimeRestore]
        """);
  }

  @AfterAll
  static void stop() {
    if (e2e != null) {
      e2e.close();
    }
  }

  @Test
  void twoApproversTakeTheClusterBackPgBouncerServesItAndTheRunRebuildsTheReplicaOnTheNewTimeline() throws Exception {
    PostgresNode pg1 = stack.postgres().node("pg1");
    e2e.fullBackup();
    Instant target = PitrMarkers.aroundATarget(pg1, "postgres");
    PitrMarkers.archiveCurrentSegment(pg1);
    fixture.startWorker();
    fixture.startAgent("pg1");
    fixture.startAgent("pg2");

    WorkflowOptions options = WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId("point-in-time-restore:main").build();
    WorkflowStub run = fixture.client.newUntypedWorkflowStub("PointInTimeRestore", options);
    run.start(Map.of("cluster", "main", "targetTime", target.toString(), "into", "inPlace", "requestedBy", "carol"));
    PointInTimeRestoreWorkflow typed = fixture.client.newWorkflowStub(PointInTimeRestoreWorkflow.class,
        "point-in-time-restore:main");
    FailoverFixture.approveAsAliceAndBob(typed);

    JsonNode result = JSON.valueToTree(run.getResult(10, TimeUnit.MINUTES, Map.class));
    String summary = result.at("/report/summary").asText();
    System.out.println("point-in-time restore in place end to end: " + summary);
    assertThat(result.at("/report/outcome").asText()).as(summary).isEqualTo("COMPLETED");
    assertThat(result.at("/report/approvals").findValuesAsText("approver")).contains("alice", "bob");
    assertThat(summary).contains("PgBouncer resumed").contains("replicas rebuilt on the new timeline: pg2")
        .doesNotContain("NOT rebuilt");
    assertThat(markers(pg1)).isEqualTo("before");
    // pg_basebackup copies postgresql.auto.conf: a recovery target left there would stop pg2 and promote it.
    assertThat(pg1.psql("postgres", "SELECT setting FROM pg_file_settings WHERE name LIKE 'recovery_target%'")
        .strip()).isEmpty();
    try (Connection c = stack.pgbouncer().connect("postgres"); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO marker(name) VALUES ('new-timeline')");
    }

    JsonNode rebuilt = JSON.valueToTree(fixture.client.newUntypedWorkflowStub("point-in-time-restore:main/rebuild-pg2")
        .getResult(1, TimeUnit.MINUTES, Map.class));
    assertThat(rebuilt.at("/report/outcome").asText()).as(rebuilt.at("/report/summary").asText())
        .isEqualTo("COMPLETED");
    assertThat(rebuilt.at("/report/approvals").findValuesAsText("decision")).containsExactly("DELEGATED", "DELEGATED");
    PostgresNode pg2 = stack.postgres().node("pg2");
    Instant deadline = Instant.now().plusSeconds(30);
    while (!"before,new-timeline".equals(markers(pg2)) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    assertThat(markers(pg2)).isEqualTo("before,new-timeline");
    assertThat(pg2.psql("postgres", "SELECT pg_is_in_recovery()").strip()).isEqualTo("t");
  }

  private static String markers(PostgresNode node) throws Exception {
    try (Connection c = node.connect("postgres"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT string_agg(name, ',' ORDER BY at) FROM marker")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
