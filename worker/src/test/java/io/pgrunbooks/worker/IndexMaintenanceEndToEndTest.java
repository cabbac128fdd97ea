package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.dropindex.DropIndexInput;
import io.pgrunbooks.workflows.dropindex.DropIndexResult;
import io.pgrunbooks.workflows.dropindex.DropIndexWorkflow;
import io.pgrunbooks.workflows.dropindex.DropIndexWorkflowImpl;
import io.pgrunbooks.workflows.reindex.ReindexInput;
import io.pgrunbooks.workflows.reindex.ReindexResult;
import io.pgrunbooks.workflows.reindex.ReindexWorkflow;
import io.pgrunbooks.workflows.reindex.ReindexWorkflowImpl;
import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DropIndex and Reindex on the real Temporal dev server with the worker and node agents as processes, started and
 * approved through the public contract (workflow type, id, the {@code approve} signal), effects checked in
 * PostgreSQL.
 */
class IndexMaintenanceEndToEndTest {
  private static final String DB = "index_maint_e2e";
  private static WorkerFixture fixture;
  private static PostgresNode primary;

  @BeforeAll
  static void setUp() throws Exception {
    fixture = new WorkerFixture();
    primary = fixture.stack.postgres().currentPrimary();
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION hypopg");
      st.execute("CREATE EXTENSION pg_stat_statements");
      st.execute("CREATE TABLE public.items (id bigint PRIMARY KEY, kind int, note text)");
      st.execute("INSERT INTO public.items SELECT g, g % 10, md5(g::text) FROM generate_series(1, 100000) g");
      st.execute("CREATE INDEX items_kind_idx ON public.items (kind)");
      st.execute("CREATE INDEX items_note_idx ON public.items (note)");
      // 90% of the rows go; items_note_idx keeps its pages: bloated against a fresh copy.
      st.execute("DELETE FROM public.items WHERE id % 10 <> 0");
      st.execute("VACUUM ANALYZE public.items");
      // What an interrupted REINDEX CONCURRENTLY leaves: an INVALID index named ..._ccnew.
      st.execute("INSERT INTO public.items VALUES (1000001, 1, 'dup'), (1000002, 1, 'dup')");
      assertThatThrownBy(() -> st.execute("CREATE UNIQUE INDEX CONCURRENTLY items_note_idx_ccnew ON public.items (note)"))
          .isInstanceOf(SQLException.class);
    }
    Files.writeString(fixture.config, WorkerFixture.configYaml(fixture.stack, fixture.metricsPort) + """
        approvals:
          approvers:
            - name: alice
              roles: [approver]
        """);
    fixture.startAll();
  }

  @AfterAll
  static void tearDown() {
    fixture.close();
  }

  @Test
  void dropIndexRefusesThePrimaryKeyIndexAndDropsAPlainIndexConcurrentlyAfterApproval() throws Exception {
    DropIndexWorkflow pk = stub(DropIndexWorkflow.class, WorkflowIds.dropIndex("main", DB, "public.items_pkey"));
    assertThatThrownBy(() -> pk.run(DropIndexInput.of("main", DB, "public.items_pkey")))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> {
          ApplicationFailure f = (ApplicationFailure) e.getCause();
          assertThat(f.getType()).isEqualTo(FailureTypes.SAFETY_REFUSED);
          assertThat(f.getOriginalMessage()).contains("enforces constraint items_pkey (primary key)");
        });
    assertThat(indexes()).contains("items_pkey:true");

    DropIndexWorkflow drop = stub(DropIndexWorkflow.class, WorkflowIds.dropIndex("main", DB, "public.items_kind_idx"));
    WorkflowClient.start(drop::run, DropIndexInput.of("main", DB, "public.items_kind_idx"));
    String requestId = awaitPending(drop);
    assertThat(requestId).startsWith(DropIndexWorkflowImpl.STEP);
    assertThat(indexes()).as("nothing is dropped before the approval").contains("items_kind_idx:true");
    drop.approve(new ApprovalSignal(requestId, "alice", "unused on every node", null));
    DropIndexResult result = WorkflowStub.fromTyped(drop).getResult(2, TimeUnit.MINUTES, DropIndexResult.class);
    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.dropped()).isTrue();
    assertThat(result.report().approvals()).anySatisfy(a -> assertThat(a.approver()).isEqualTo("alice"));
    assertThat(indexes()).noneMatch(i -> i.startsWith("items_kind_idx"));
    // The statement PostgreSQL ran, as pg_stat_statements recorded it.
    assertThat(count("SELECT count(*) FROM pg_stat_statements WHERE query LIKE 'DROP INDEX CONCURRENTLY%items_kind_idx%'"))
        .isEqualTo(1);
  }

  @Test
  void reindexOfABloatedIndexShrinksItAndLeavesNoCcnewLeftover() throws Exception {
    long before = count("SELECT pg_relation_size('public.items_note_idx')");
    assertThat(indexes()).contains("items_note_idx_ccnew:false");
    ReindexWorkflow reindex = stub(ReindexWorkflow.class, WorkflowIds.reindex("main", DB, "public.items_note_idx"));
    WorkflowClient.start(reindex::run, ReindexInput.ofIndex("main", DB, "public.items_note_idx"));
    String requestId = awaitPending(reindex);
    assertThat(requestId).startsWith(ReindexWorkflowImpl.STEP);
    reindex.approve(new ApprovalSignal(requestId, "alice", "bloated after the purge", null));
    ReindexResult result = WorkflowStub.fromTyped(reindex).getResult(3, TimeUnit.MINUTES, ReindexResult.class);
    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.leftoversDropped()).containsExactly("public.items_note_idx_ccnew");
    long after = count("SELECT pg_relation_size('public.items_note_idx')");
    System.out.println("Reindex e2e: items_note_idx " + before + " -> " + after + " bytes");
    assertThat(after).isLessThan(before / 3);
    assertThat(result.after().get(0).bytes()).isEqualTo(after);
    assertThat(indexes()).contains("items_note_idx:true").noneMatch(i -> i.contains("_ccnew") || i.contains("_ccold"));
  }

  private static <T> T stub(Class<T> type, String workflowId) {
    return fixture.client.newWorkflowStub(type, WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(workflowId).build());
  }

  private static String awaitPending(Runbook run) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      var pending = run.progress().pendingApprovals();
      if (!pending.isEmpty()) {
        return pending.get(0).requestId();
      }
      assertThat(System.nanoTime()).as("no approval was requested").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static List<String> indexes() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = primary.connect(DB); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT ic.relname || ':' || i.indisvalid FROM pg_index i JOIN pg_class ic"
             + " ON ic.oid = i.indexrelid WHERE i.indrelid = 'public.items'::regclass ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = primary.connect(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
