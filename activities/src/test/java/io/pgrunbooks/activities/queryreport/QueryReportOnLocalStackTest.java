package io.pgrunbooks.activities.queryreport;

import static io.pgrunbooks.workflows.replay.TestEnvironments.assertApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.QueryReportActivitiesImpl;
import io.pgrunbooks.activities.s3.QueryReportSnapshots;
import io.pgrunbooks.activities.s3.S3ClientFactory;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.S3Store;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.ops.stack.StackYaml;
import io.pgrunbooks.workflows.activities.QueryReportActivities.Candidate;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementDelta;
import io.pgrunbooks.workflows.activities.QueryReportActivities.StatementPlan;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.queryreport.QueryReportInput;
import io.pgrunbooks.workflows.queryreport.QueryReportResult;
import io.pgrunbooks.workflows.queryreport.QueryReportRules;
import io.pgrunbooks.workflows.queryreport.QueryReportWorkflow;
import io.pgrunbooks.workflows.queryreport.QueryReportWorkflowImpl;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * QueryReport end to end in the Temporal test server with the real activities against the shared stack's primary and
 * replica (pg_stat_statements, HypoPG) and its S3 store (the kept snapshots).
 */
class QueryReportOnLocalStackTest {
  private static final String DB = "query_report_test";
  private static final String SLOW = "SELECT id, note FROM public.big_orders WHERE email = ?";
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static PostgresNode primary;
  private static S3ClientFactory s3;
  private static QueryReportSnapshots snapshots;
  private static TestWorkflowEnvironment env;
  private static RunbooksConfig config;
  private static Map<String, String> envVars;
  private static WorkflowClient client;

  @BeforeAll
  static void setUp() throws SQLException {
    LocalStack stack = SharedStack.get();
    primary = stack.postgres().currentPrimary();
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION pg_stat_statements");
      st.execute("CREATE EXTENSION hypopg");
      st.execute("CREATE TABLE public.big_orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, email text NOT NULL,"
          + " note text)");
      st.execute("INSERT INTO public.big_orders (customer_id, email, note) SELECT g % 5000, 'user' || g || '@example.com',"
          + " md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 200000) g");
      st.execute("CREATE INDEX big_orders_customer_idx ON public.big_orders (customer_id)");
      st.execute("CREATE INDEX big_orders_customer_copy ON public.big_orders (customer_id)");
      st.execute("CREATE TABLE public.dupes (id int, email text)");
      st.execute("INSERT INTO public.dupes SELECT g, 'same' FROM generate_series(1, 100) g");
      st.execute("VACUUM ANALYZE public.big_orders");
      try {
        st.execute("CREATE UNIQUE INDEX CONCURRENTLY dupes_email_key ON public.dupes (email)");
      } catch (SQLException expected) {
        // leaves the INVALID index the report must name
      }
    }
    envVars = new HashMap<>(TestStack.env());
    S3Store store = stack.s3();
    envVars.put("QR_S3_ACCESS", store.accessKey());
    envVars.put("QR_S3_SECRET", store.secretKey());
    config = ConfigLoader.parse("""
        clusters:
          test:
            nodes:
        %s
            credentials:
              user: postgres
              passwordEnv: %s
        archive:
          bucket: %s
          prefix: query-report-test-%d
          endpoint: %s
          region: %s
          forcePathStyle: true
          accessKeyEnv: QR_S3_ACCESS
          secretKeyEnv: QR_S3_SECRET
        """.formatted(StackYaml.nodes(stack), TestStack.PASSWORD_ENV, store.bucket(), System.nanoTime(),
        store.endpoint(), store.region()), envVars, "query-report-test");
    s3 = new S3ClientFactory(config.archive(), () -> envVars);
    snapshots = new QueryReportSnapshots(s3);
    env = TestEnvironments.newEnvironment();
    var worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(QueryReportWorkflowImpl.class);
    worker.registerActivitiesImplementations(new QueryReportActivitiesImpl(config,
        new ConnectionFactory(config, () -> envVars, Duration.ofSeconds(5), Duration.ofSeconds(60)), snapshots),
        new NotifyActivitiesImpl(config), new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterAll
  static void tearDown() {
    env.close();
  }

  private static QueryReportResult report(QueryReportInput input) {
    return client.newWorkflowStub(QueryReportWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("query-report:test:" + DB + ":" + RUNS.incrementAndGet())
        .build()).run(input);
  }

  private static void slowQuery(int times) throws SQLException {
    try (Connection c = primary.connect(DB); PreparedStatement ps = c.prepareStatement(SLOW)) {
      for (int i = 0; i < times; i++) {
        ps.setString(1, "user" + (i * 7919) + "@example.com");
        ps.executeQuery().close();
      }
    }
  }

  private static StatementDelta slow(List<StatementDelta> list) {
    return list.stream().filter(d -> d.query().contains("big_orders WHERE email =")).findFirst().orElseThrow();
  }

  private static int snapshotCount() {
    try (S3Client c = s3.client()) {
      return c.listObjectsV2(b -> b.bucket(s3.bucket()).prefix(s3.config().prefix() + "/.pg-runbooks/query-reports/"))
          .contents().size();
    }
  }

  @Test
  void slowStatementOnAnUnindexedColumnAppearsWithAWhatIfGainAndTheNextRunsReportDeltasAndResets() throws Exception {
    slowQuery(5);
    QueryReportResult first = report(QueryReportInput.of("test", DB));
    assertThat(first.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(first.statements().firstRun()).isTrue();
    assertThat(first.statements().baseline()).startsWith("first report: totals");
    assertThat(slow(first.statements().byTotalTime()).calls()).isEqualTo(5);
    // DDL, VACUUM and SET are in the lists but never explained.
    assertThat(first.plans()).isNotEmpty().allSatisfy(p -> assertThat(QueryReportRules.plannable(p.query())).isTrue());
    // The setup's INSERT ... FROM generate_series($5, $6) cannot be planned with untyped NULLs; the report says why.
    assertThat(first.plans()).anySatisfy(p -> assertThat(p.problem())
        .startsWith("PostgreSQL could not plan it with NULL parameters: ").contains("generate_series(unknown, unknown)"));
    StatementPlan plan = first.plans().stream().filter(p -> p.query().contains("big_orders WHERE email ="))
        .findFirst().orElseThrow();
    assertThat(plan.plan()).contains("Seq Scan on big_orders");
    assertThat(plan.seqScans()).anySatisfy(s -> assertThat(s.table()).isEqualTo("public.big_orders"));
    Candidate best = QueryReportRules.best(plan);
    assertThat(best.definition()).contains("public.big_orders USING btree (email)");
    assertThat(best.costAfter()).isLessThan(best.costBefore() / 10);
    assertThat(best.bytes()).isPositive();
    System.out.println(first.text());
    assertThat(first.text()).contains("what-if: CREATE INDEX ON public.big_orders USING btree (email)");
    // The hypothetical indexes lived only in the report's session.
    try (Connection c = primary.connect(DB); Statement st = c.createStatement();
         var rs = st.executeQuery("SELECT count(*) FROM pg_indexes WHERE tablename = 'big_orders'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
    // Index health: INVALID, duplicate and unused (idx_scan 0 on the primary and on the replica).
    assertThat(first.indexes().invalid()).extracting(n -> n.name()).containsExactly("public.dupes_email_key");
    assertThat(first.indexes().duplicates()).extracting(n -> n.name()).containsExactly("public.big_orders_customer_idx");
    assertThat(first.indexes().unused()).extracting(n -> n.name())
        .contains("public.big_orders_customer_idx", "public.big_orders_customer_copy")
        .doesNotContain("public.big_orders_pkey");
    for (PostgresNode n : SharedStack.get().postgres().nodes()) {
      assertThat(first.indexes().unused().get(0).detail()).contains(n.name());
    }
    assertThat(first.report().summary()).contains("1 INVALID");
    assertThat(snapshotCount()).isEqualTo(1);

    // A dry run reports but keeps no snapshot.
    QueryReportInput dry = new QueryReportInput("test", DB, 5, null, true, null, null);
    assertThat(report(dry).statements().firstRun()).isFalse();
    assertThat(snapshotCount()).isEqualTo(1);

    slowQuery(3);
    QueryReportResult second = report(QueryReportInput.of("test", DB));
    assertThat(second.statements().firstRun()).isFalse();
    assertThat(second.statements().statsReset()).isFalse();
    assertThat(second.statements().baseline()).startsWith("deltas since the previous report");
    assertThat(slow(second.statements().byTotalTime()).calls()).isEqualTo(3);
    assertThat(snapshotCount()).isEqualTo(2);

    try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
      st.execute("SELECT pg_stat_statements_reset()");
    }
    slowQuery(2);
    QueryReportResult third = report(QueryReportInput.of("test", DB));
    assertThat(third.statements().statsReset()).isTrue();
    assertThat(third.statements().baseline()).contains("statistics were reset").contains("totals since");
    assertThat(slow(third.statements().byTotalTime()).calls()).isEqualTo(2);
  }

  @Test
  void badInputFailsBeforeAnythingIsReadOrKept() {
    int before = snapshotCount();
    assertApplicationFailure(() -> report(new QueryReportInput("test", DB, 0, null, false, null, null)),
        FailureTypes.BAD_INPUT, "top must be between 1 and 100");
    assertApplicationFailure(() -> report(new QueryReportInput("test", "app; DROP TABLE x", null, null, false, null,
        null)), FailureTypes.BAD_INPUT, "database must be a plain name");
    assertApplicationFailure(() -> report(QueryReportInput.of("nope", DB)), FailureTypes.BAD_INPUT,
        "unknown cluster 'nope'");
    assertApplicationFailure(() -> report(new QueryReportInput("test", DB, null, "pg9", false, null, null)),
        FailureTypes.BAD_INPUT, "unknown node 'pg9'");
    assertApplicationFailure(() -> report(QueryReportInput.of("test", "no_such_db")), FailureTypes.BAD_INPUT,
        "does not exist");
    assertThat(snapshotCount()).isEqualTo(before);
  }

  @Test
  void anUnreadableSnapshotStoreGivesTotalsAndANoteInsteadOfFailingTheReport() {
    Map<String, String> wrongKeys = new HashMap<>(envVars);
    wrongKeys.put("QR_S3_SECRET", "not-the-secret");
    QueryReportActivitiesImpl activities = new QueryReportActivitiesImpl(config,
        new ConnectionFactory(config, () -> wrongKeys, Duration.ofSeconds(5), Duration.ofSeconds(60)),
        new QueryReportSnapshots(new S3ClientFactory(config.archive(), () -> wrongKeys)));
    int before = snapshotCount();
    var report = activities.statements(new io.pgrunbooks.workflows.activities.QueryReportActivities.StatementsInput(
        "test", DB, null, 5, "run-with-wrong-keys", true));
    assertThat(report.firstRun()).isTrue();
    assertThat(report.baseline()).startsWith("no previous snapshot: totals since");
    assertThat(report.notes()).anySatisfy(n -> assertThat(n).startsWith("the snapshot store could not be read"));
    assertThat(snapshotCount()).isEqualTo(before);
  }
}
