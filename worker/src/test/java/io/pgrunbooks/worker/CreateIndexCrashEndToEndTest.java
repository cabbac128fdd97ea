package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.createindex.CreateIndexInput;
import io.pgrunbooks.workflows.createindex.CreateIndexResult;
import io.pgrunbooks.workflows.createindex.CreateIndexWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CreateIndex on the real Temporal dev server: the worker process is SIGKILLed while {@code CREATE INDEX
 * CONCURRENTLY} runs; a new worker's retry (after the heartbeat timeout) cleans up and builds. One valid index of
 * the name remains, nothing INVALID.
 */
class CreateIndexCrashEndToEndTest {
  private static final String DB = "index_e2e";

  @Test
  void workerKilledDuringTheBuildIsReplacedAndExactlyOneValidIndexRemains() throws Exception {
    try (WorkerFixture fixture = new WorkerFixture()) {
      PostgresNode primary = fixture.stack.postgres().currentPrimary();
      try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        st.execute("CREATE DATABASE " + DB);
      }
      try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
        st.execute("CREATE EXTENSION hypopg");
        st.execute("CREATE TABLE public.wide (id bigint, a text, b text, c text)");
        // Hashes sort slowly: the build lasts long enough to be interrupted.
        st.execute("INSERT INTO public.wide SELECT g, md5(g::text), md5((g * 7)::text), md5((g * 13)::text)"
            + " FROM generate_series(1, 1500000) g");
        st.execute("ANALYZE public.wide");
      }
      Files.writeString(fixture.config, WorkerFixture.configYaml(fixture.stack, fixture.metricsPort) + """
          approvals:
            approvers:
              - name: alice
                roles: [approver]
            preApprovals:
              - runbook: CreateIndex
                step: create-index
                cluster: main
                database: %s
                target: public.wide
          """.formatted(DB));
      fixture.startAll();
      ChildProcess first = fixture.processes.get(0);
      CreateIndexWorkflow wf = fixture.client.newWorkflowStub(CreateIndexWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(WorkflowIds.createIndex("main", DB, "public.wide")).build());
      WorkflowClient.start(wf::run, CreateIndexInput.of("main", DB, "public.wide", List.of("a", "b", "c")));

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!building(primary)) {
        assertThat(System.nanoTime()).as("the build never started").isLessThan(deadline);
        Thread.sleep(50);
      }
      first.kill();
      fixture.startWorker();

      CreateIndexResult result = WorkflowStub.fromTyped(wf).getResult(4, TimeUnit.MINUTES, CreateIndexResult.class);
      assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
      assertThat(result.bytes()).isPositive();
      List<String> indexes = new ArrayList<>();
      try (Connection c = primary.connect(DB); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT ic.relname || ':' || i.indisvalid FROM pg_index i JOIN pg_class ic"
               + " ON ic.oid = i.indexrelid WHERE i.indrelid = 'public.wide'::regclass")) {
        while (rs.next()) {
          indexes.add(rs.getString(1));
        }
      }
      assertThat(indexes).containsExactly("wide_a_b_c_idx:true");
      System.out.println("CreateIndex crash e2e: changes " + result.report().changes());
    }
  }

  private static boolean building(PostgresNode primary) throws Exception {
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_progress_create_index p JOIN pg_stat_activity a"
             + " ON a.pid = p.pid WHERE a.application_name LIKE 'pg-runbooks create-index%'"
             + " AND p.phase LIKE 'building index%'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }
}
