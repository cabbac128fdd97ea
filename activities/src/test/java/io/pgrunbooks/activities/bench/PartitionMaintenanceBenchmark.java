package io.pgrunbooks.activities.bench;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresPartitionActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.VerifySignatureInput;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceInput;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceWorkflow;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceWorkflowImpl;
import io.pgrunbooks.workflows.partitionmaintenance.TableReport;
import io.temporal.api.history.v1.History;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 200 tables x 36 monthly partitions: one PartitionMaintenance run (real Temporal dev server, in-process
 * worker, real activities) against pg_partman's run_maintenance() on an identical copy. Not part of
 * {@code mvn verify} (the class name does not end in Test); see bench/partition-maintenance/README.md.
 */
class PartitionMaintenanceBenchmark {
  static final int TABLES = Integer.getInteger("bench.tables", 200);
  static final int PARTITIONS = 36;
  static final int RUNS = Integer.getInteger("bench.runs", 3);
  static final String SOURCE = "bench_pm_src";
  private final LocalDate month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);

  @Test
  void runbookVersusPgPartman() throws Exception {
    LocalStack stack = TestStack.stack();
    PostgresNode primary = stack.postgres().currentPrimary();
    long setup = System.nanoTime();
    buildSource(primary);
    System.out.printf("source database %s: %d tables x %d partitions ready in %.1f s%n", SOURCE, TABLES, PARTITIONS,
        (System.nanoTime() - setup) / 1e9);
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    for (int run = 1; run <= RUNS; run++) {
      String a = "bench_pm_runbook_" + run;
      String b = "bench_pm_partman_" + run;
      copy(primary, a);
      copy(primary, b);
      statementsReset(primary);
      ours.add(runbook(stack, a, run));
      statements(primary, a, "runbook");
      statementsReset(primary);
      theirs.add(partman(primary, b));
      statements(primary, b, "pg_partman");
      System.out.printf("run %d: runbook %.2f s, pg_partman %.2f s; partitions after: runbook %d, partman %d (of which %d default)%n",
          run, ours.get(run - 1), theirs.get(run - 1), partitions(primary, a), partitions(primary, b), TABLES);
      drop(primary, a);
      drop(primary, b);
    }
    double m1 = median(ours);
    double m2 = median(theirs);
    System.out.printf("MEDIAN of %d: PartitionMaintenance %.2f s, pg_partman run_maintenance() %.2f s, ratio %.2f%n",
        RUNS, m1, m2, m1 / m2);
  }

  private double runbook(LocalStack stack, String database, int run) {
    RunbooksConfig config = config(database);
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporal().address()).build());
    WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(stack.temporal().namespace()).setDataConverter(DataConverters.jackson()).build());
    WorkerFactory factory = WorkerFactory.newInstance(client);
    // The workflow schedules its activities on the central queue: the bench worker polls it (own dev server per JVM).
    String queue = TaskQueues.CENTRAL;
    Worker worker = factory.newWorker(queue);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class,
        io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchWorkflowImpl.class);
    ConnectionFactory connections = new ConnectionFactory(config, TestStack::env, java.time.Duration.ofSeconds(5),
        java.time.Duration.ofSeconds(120));
    worker.registerActivitiesImplementations(new PostgresPartitionActivitiesImpl(config, connections),
        new PreApproved(), (NotifyActivities) n -> { },
        (io.pgrunbooks.workflows.activities.ReportActivities) report -> null);
    factory.start();
    try {
      String id = "bench-partition-maintenance-" + database + "-" + System.nanoTime();
      PartitionMaintenanceWorkflow wf = client.newWorkflowStub(PartitionMaintenanceWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId(id).build());
      long start = System.nanoTime();
      PartitionMaintenanceResult r = wf.run(new PartitionMaintenanceInput(TestStack.CLUSTER, database, null, null,
          false, "bench", "benchmark"));
      double seconds = (System.nanoTime() - start) / 1e9;
      History h = client.fetchHistory(id).getHistory();
      long bytes = h.getSerializedSize();
      List<PartitionBatchResult.TableSummary> batched = r.batches().stream().flatMap(b -> b.tables().stream()).toList();
      int created = r.tables().stream().mapToInt(t -> t.created().size()).sum()
          + batched.stream().mapToInt(PartitionBatchResult.TableSummary::created).sum();
      int dropped = r.tables().stream().mapToInt(t -> t.retired().size()).sum()
          + batched.stream().mapToInt(PartitionBatchResult.TableSummary::retired).sum();
      System.out.printf("  runbook: %s; %d tables, %d created, %d dropped; history %d events, %.2f MB%n",
          r.report().outcome(), r.tables().size() + batched.size(), created, dropped, h.getEventsCount(), bytes / 1e6);
      profile(List.of(h));
      // A run in batch children: each child's history (the largest one named), the activities are in those.
      List<History> all = new ArrayList<>();
      long largest = 0;
      for (PartitionBatchResult b : r.batches()) {
        History c = client.fetchHistory(b.workflowId()).getHistory();
        largest = Math.max(largest, c.getSerializedSize());
        System.out.printf("  runbook: child %s: %d events, %.2f MB%n", b.workflowId(), c.getEventsCount(),
            c.getSerializedSize() / 1e6);
        all.add(c);
      }
      if (!r.batches().isEmpty()) {
        System.out.printf("  runbook: %d children, largest child history %.2f MB; activities of all children:%n",
            r.batches().size(), largest / 1e6);
        profile(all);
      }
      if (r.tables().stream().map(TableReport::status).anyMatch("FAILED"::equals)
          || batched.stream().map(PartitionBatchResult.TableSummary::status).anyMatch("FAILED"::equals)) {
        throw new AssertionError("a table failed: " + r.report().summary());
      }
      return seconds;
    } finally {
      factory.shutdownNow();
      service.shutdownNow();
    }
  }

  /** Where the run's time went, from its history: per activity type, calls, time running and time queued. */
  static void profile(List<History> histories) {
    Map<String, long[]> byType = new java.util.TreeMap<>();
    int tasks = 0;
    for (History h : histories) {
      tasks += (int) h.getEventsList().stream().filter(e -> e.hasWorkflowTaskCompletedEventAttributes()).count();
      profile(h, byType);
    }
    System.out.printf("  PROFILE %d workflow tasks%n", tasks);
    byType.forEach((k, a) -> System.out.printf("  PROFILE %-28s %5d calls, %8.1f s running (max %.2f s), %6.1f s queued%n",
        k, a[0], a[1] / 1e3, a[3] / 1e3, a[2] / 1e3));
  }

  private static void profile(History h, Map<String, long[]> byType) {
    Map<Long, String> type = new java.util.HashMap<>();
    Map<Long, Long> scheduled = new java.util.HashMap<>();
    Map<Long, Long> started = new java.util.HashMap<>();
    for (var e : h.getEventsList()) {
      long t = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
      if (e.hasActivityTaskScheduledEventAttributes()) {
        type.put(e.getEventId(), e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        scheduled.put(e.getEventId(), t);
      } else if (e.hasActivityTaskStartedEventAttributes()) {
        started.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), t);
      } else if (e.hasActivityTaskCompletedEventAttributes()) {
        long id = e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
        long[] a = byType.computeIfAbsent(type.get(id), k -> new long[4]);
        a[0]++;
        a[1] += t - started.getOrDefault(id, t);
        a[2] += started.getOrDefault(id, t) - scheduled.get(id);
        a[3] = Math.max(a[3], t - started.getOrDefault(id, t));
      }
    }
  }

  private static void statementsReset(PostgresNode primary) throws Exception {
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      st.execute("SELECT pg_stat_statements_reset()");
    }
  }

  /**
   * Where the database time of a run went: pg_stat_statements of its database, statements grouped by their shape
   * (table and partition names replaced by T), the largest first.
   */
  private static void statements(PostgresNode primary, String database, String who) throws Exception {
    String shape = "left(regexp_replace(regexp_replace(query, '(\"?public\"?\\.)?\"?bench_t[0-9]+(_p[0-9_]+)?\"?', 'T', 'g'),"
        + " '\\s+', ' ', 'g'), 90)";
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT " + shape + " AS q, sum(calls), sum(total_exec_time) / 1000,"
             + " sum(sum(total_exec_time)) OVER () / 1000 FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
             + " WHERE d.datname = '" + database + "' GROUP BY 1 ORDER BY 3 DESC LIMIT 14")) {
      while (rs.next()) {
        System.out.printf("  STATEMENTS %-10s %7d calls %7.2f s (of %.2f s) %s%n", who, rs.getLong(2), rs.getDouble(3),
            rs.getDouble(4), rs.getString(1));
      }
    }
  }

  private double partman(PostgresNode primary, String database) throws Exception {
    try (Connection c = primary.connect(database); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA partman");
      st.execute("CREATE EXTENSION pg_partman SCHEMA partman");
      LocalDate last = month.plusMonths(1);
      for (int t = 1; t <= TABLES; t++) {
        String table = table(t);
        st.execute("SELECT partman.create_parent('public." + table + "', 'created_at', 'native', 'monthly',"
            + " p_premake := 3, p_start_partition := '" + month.minusMonths(PARTITIONS - 2) + "')");
        // create_parent makes premake partitions itself; remove them so run_maintenance has the same work as the runbook.
        for (int i = 2; i <= 6; i++) {
          LocalDate f = last.plusMonths(i - 1);
          st.execute(String.format("DROP TABLE IF EXISTS public.%s_p%d_%02d", table, f.getYear(), f.getMonthValue()));
        }
      }
      st.execute("UPDATE partman.part_config SET retention = '24 months', retention_keep_table = false,"
          + " infinite_time_partitions = true, premake = 3");
      long start = System.nanoTime();
      // The procedure commits per parent; run_maintenance() would hold every lock of 200 tables in one transaction.
      st.execute("CALL partman.run_maintenance_proc()");
      return (System.nanoTime() - start) / 1e9;
    }
  }

  private void buildSource(PostgresNode primary) throws Exception {
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + SOURCE + "'")) {
        if (rs.next()) {
          try (Connection s = primary.connect(SOURCE); Statement q = s.createStatement();
               ResultSet m = q.executeQuery("SELECT count(*) FILTER (WHERE built = '" + month + "') FROM bench_meta")) {
            m.next();
            if (m.getLong(1) == 1 && partitions(primary, SOURCE) == (long) TABLES * PARTITIONS) {
              return;
            }
          } catch (java.sql.SQLException stale) {
            // rebuilt below
          }
          st.execute("DROP DATABASE " + SOURCE);
        }
      }
      st.execute("CREATE DATABASE " + SOURCE);
    }
    try (Connection c = primary.connect(SOURCE); Statement st = c.createStatement()) {
      LocalDate first = month.minusMonths(PARTITIONS - 2);
      for (int t = 1; t <= TABLES; t++) {
        String table = table(t);
        StringBuilder sql = new StringBuilder("CREATE TABLE public." + table + " (id bigserial, created_at timestamptz"
            + " NOT NULL, v int) PARTITION BY RANGE (created_at);");
        sql.append("CREATE INDEX ON public.").append(table).append(" (created_at);");
        for (int i = 0; i < PARTITIONS; i++) {
          LocalDate f = first.plusMonths(i);
          sql.append(String.format("CREATE TABLE public.%s_p%d_%02d PARTITION OF public.%s FOR VALUES FROM ('%s')"
              + " TO ('%s');", table, f.getYear(), f.getMonthValue(), table, f, f.plusMonths(1)));
        }
        sql.append(String.format("INSERT INTO public.%s (created_at, v) SELECT d, 1 FROM generate_series("
            + "timestamptz '%s', timestamptz '%s', interval '1 day') d;", table, first, month));
        sql.append("ANALYZE public.").append(table).append(';');
        st.execute(sql.toString());
      }
      st.execute("CREATE TABLE bench_meta (built date); INSERT INTO bench_meta VALUES ('" + month + "')");
    }
  }

  private RunbooksConfig config(String database) {
    StringBuilder yaml = new StringBuilder("clusters:\n  " + TestStack.CLUSTER + ":\n    nodes:\n");
    for (PostgresNode n : TestStack.stack().postgres().nodes()) {
      yaml.append(String.format("      - {name: %s, host: %s, port: %d, dataDir: %s}%n", n.name(), n.host(), n.port(),
          n.dataDir().toAbsolutePath()));
    }
    yaml.append("    credentials: {user: postgres, passwordEnv: ").append(TestStack.PASSWORD_ENV).append("}\n");
    yaml.append("    databases:\n      ").append(database).append(":\n        partitions:\n");
    for (int t = 1; t <= TABLES; t++) {
      yaml.append("          - {table: public.").append(table(t))
          .append(", naming: \"{parent}_p{yyyy}_{mm}\", premake: 3, retention: 24mo}\n");
    }
    return ConfigLoader.parse(yaml.toString(), TestStack.env(), "bench");
  }

  private static String table(int t) {
    return String.format("bench_t%03d", t);
  }

  private static void copy(PostgresNode primary, String target) throws Exception {
    drop(primary, target);
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + target + " TEMPLATE " + SOURCE);
    }
  }

  private static void drop(PostgresNode primary, String db) throws Exception {
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  /** Table partitions (not the partitions of indexes, which pg_inherits lists too). */
  private static long partitions(PostgresNode primary, String db) throws Exception {
    try (Connection c = primary.connect(db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_class WHERE relispartition AND relkind = 'r'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  /** Drops are pre-approved for the benchmark, as config can do for a schedule ("pre-approved by config"). */
  static final class PreApproved implements ApprovalActivities {
    @Override
    public ApprovalPolicy approvalPolicy(ApprovalPolicyInput input) {
      return new ApprovalPolicy(Map.of("bench", List.of("approver")), List.of("approver"), 1, 3600,
          List.of(new PreApproval("drop-partitions", "*", "bench")), false, null);
    }

    @Override
    public boolean verifySignature(VerifySignatureInput input) {
      return false;
    }
  }
}
