package io.pgrunbooks.worker.crash;

import static io.pgrunbooks.worker.crash.CrashPointSweepArchiveTest.assertNoFailure;

import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.worker.FailoverFixture;
import io.pgrunbooks.worker.crash.CrashSweep.Scenario;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failover.FailoverResult;
import io.pgrunbooks.workflows.failover.FailoverWorkflow;
import io.pgrunbooks.workflows.failoverdrill.DrillPhase;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillInput;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflow;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartInput;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartResult;
import io.pgrunbooks.workflows.rollingrestart.RollingRestartWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crash-point sweep of the topology runbooks on a stack of their own (pg1 primary, pg2 replica, PgBouncer): central
 * activities crash the worker, host-local ones the node agent that runs them. End state of every replay: exactly one
 * writable node, PgBouncer writing to it, the replicas streaming from it with every row written before the run.
 * RollingRestart leaves the primary switched; the replays after it start from whichever node is primary.
 * Failover runs last: it leaves the old primary stopped, so each of its replays starts by rebuilding that node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashPointSweepTopologyTest {
  /** Kill points known to break the end state (replayed only with -Dsweep=full); see ops/docs/crash-sweep.md. */
  static final Set<String> KNOWN_FAILING = Set.of();

  private static FailoverFixture f;
  private static CrashSweep sweep;
  private static final AtomicInteger MARKS = new AtomicInteger();
  private static final AtomicInteger REPAIRS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    f = new FailoverFixture();
    f.pg1().psql("postgres", "CREATE TABLE IF NOT EXISTS e2e_baseline AS SELECT g FROM generate_series(1, 1000) g; "
        + "CREATE TABLE IF NOT EXISTS sweep_topo (id bigint PRIMARY KEY, note text)");
    sweep = new CrashSweep(f.workers, Duration.ofMinutes(6));
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  @Order(1)
  void replicaRebuildCrashedAtEveryActivityBoundaryLeavesTheReplicaStreamingWithEveryRow() throws Exception {
    assertNoFailure(sweep.sweep(new RebuildScenario(), CrashSweep.sample("COMPLETING BaseBackup"),
        KNOWN_FAILING));
  }

  @Test
  @Order(2)
  void failoverDrillCrashedAtEveryActivityBoundaryEndsWithOneWritablePrimaryAndNoLostRow() throws Exception {
    assertNoFailure(sweep.sweep(new DrillScenario(), CrashSweep.sample("COMPLETING PromotePostgres"), KNOWN_FAILING));
  }

  @Test
  @Order(3)
  void rollingRestartCrashedAtEveryActivityBoundaryLeavesTheNewValueLiveOnBothNodesAndNoLostRow() throws Exception {
    assertNoFailure(sweep.sweep(new RollingRestartScenario(), CrashSweep.sample("COMPLETING RewindAsStandby"),
        KNOWN_FAILING));
  }

  @Test
  @Order(4)
  void failoverCrashedAtEveryActivityBoundaryPromotesExactlyOneNodeAndLosesNoRow() throws Exception {
    assertNoFailure(sweep.sweep(new FailoverScenario(), CrashSweep.sample("COMPLETING StopForSwitchover"),
        KNOWN_FAILING));
  }

  private static <T> T stub(Class<T> type, String id) {
    return f.workers.client.newWorkflowStub(type, WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(id).build());
  }

  /** The node that accepts writes now (exactly one, or the replay cannot start). */
  private static String primary() {
    List<String> w = Topology.writable(f);
    if (w.size() != 1) {
      throw new IllegalStateException("cannot start a replay: writable nodes " + w);
    }
    return w.get(0);
  }

  private static String other(String node) {
    return node.equals("pg1") ? "pg2" : "pg1";
  }

  /** 100 new marker rows on the primary: what every replica must have at the end. */
  private static void mark(String primary) throws Exception {
    int m = MARKS.incrementAndGet();
    Sql.exec(f.stack.postgres().node(primary), "INSERT INTO sweep_topo SELECT " + m + " * 1000 + g, md5(g::text)"
        + " FROM generate_series(1, 100) g");
  }

  /** The replica streams (starting it if it is merely stopped), or the replay cannot start. */
  private static void replicaStreams(String replica) {
    PostgresNode n = f.stack.postgres().node(replica);
    if (!n.isRunning()) {
      n.start();
    }
    f.stack.postgres().awaitStreaming(replica, Duration.ofSeconds(60));
  }

  /**
   * A node left stopped (the old primary after a Failover, or a replay that failed) is rebuilt from the primary by a
   * clean, uncrashed ReplicaRebuild: starting it as it is could make a second writable node.
   */
  private static void rejoinIfStopped(String node) throws Exception {
    if (f.stack.postgres().node(node).isRunning()) {
      return;
    }
    ReplicaRebuildWorkflow wf = stub(ReplicaRebuildWorkflow.class, WorkflowIds.replicaRebuild("main", node)
        + ":repair-" + REPAIRS.incrementAndGet());
    WorkflowClient.start(wf::run, new ReplicaRebuildInput("main", node, false, "crash-sweep", "rejoin after a replay"));
    ReplicaRebuildResult rebuilt = sweep.runApproving(WorkflowStub.fromTyped(wf), ReplicaRebuildResult.class);
    if (rebuilt.report().outcome() != RunbookState.COMPLETED) {
      throw new IllegalStateException("rejoin of " + node + " ended " + rebuilt.report().outcome());
    }
  }

  /** What is wrong with "{@code node} has every marker row written so far" (an acknowledged row lost shows here). */
  private static List<String> everyMark(String node) throws Exception {
    String rows = Sql.fingerprint(f.stack.postgres().node(node), "sweep_topo");
    return rows.startsWith(MARKS.get() * 100 + " rows") ? List.of()
        : List.of(node + " has sweep_topo " + rows + ", " + MARKS.get() * 100 + " rows were written");
  }

  private static List<String> failed(Throwable failure) {
    return failure == null ? new ArrayList<>() : new ArrayList<>(List.of("run failed: " + failure));
  }

  /** ReplicaRebuild of pg2 from pg1, approved by alice. */
  static final class RebuildScenario implements Scenario {
    @Override
    public String runbook() {
      return "ReplicaRebuild";
    }

    @Override
    public void prepare() throws Exception {
      replicaStreams("pg2");
      mark(primary());
    }

    @Override
    public WorkflowStub start(String suffix) {
      ReplicaRebuildWorkflow wf = stub(ReplicaRebuildWorkflow.class, WorkflowIds.replicaRebuild("main", "pg2") + ":" + suffix);
      WorkflowClient.start(wf::run, new ReplicaRebuildInput("main", "pg2", false, "crash-sweep", "crash sweep"));
      return WorkflowStub.fromTyped(wf);
    }

    @Override
    public Class<?> resultType() {
      return ReplicaRebuildResult.class;
    }

    @Override
    public List<String> check(Object result, Throwable failure) throws Exception {
      List<String> problems = failed(failure);
      if (result instanceof ReplicaRebuildResult r && r.report().outcome() != RunbookState.COMPLETED) {
        problems.add("run ended " + r.report().outcome() + ": " + r.report().summary());
      }
      problems.addAll(Topology.healthy(f, "pg1", List.of("pg2"), "sweep_topo"));
      return problems;
    }
  }

  /** FailoverDrill pg1 -> pg2 -> pg1 (switch back), approved by alice. */
  static final class DrillScenario implements Scenario {
    @Override
    public String runbook() {
      return "FailoverDrill";
    }

    @Override
    public void prepare() throws Exception {
      replicaStreams(other(primary()));
      mark(primary());
    }

    @Override
    public WorkflowStub start(String suffix) {
      FailoverDrillWorkflow wf = stub(FailoverDrillWorkflow.class, WorkflowIds.failoverDrill("main") + ":" + suffix);
      WorkflowClient.start(wf::run, new FailoverDrillInput("main", other(primary()), true, null, "crash-sweep",
          "crash sweep", false));
      return WorkflowStub.fromTyped(wf);
    }

    @Override
    public Class<?> resultType() {
      return FailoverDrillResult.class;
    }

    @Override
    public List<String> check(Object result, Throwable failure) throws Exception {
      List<String> problems = failed(failure);
      if (result instanceof FailoverDrillResult r) {
        if (r.report().outcome() != RunbookState.COMPLETED) {
          problems.add("run ended " + r.report().outcome() + ": " + r.report().summary());
        }
        for (DrillPhase p : r.phases()) {
          if (!p.missing().isEmpty()) {
            problems.add(p.name() + " lost acknowledged rows: " + p.missing());
          }
        }
        if (r.phases().size() != 2) {
          problems.add(r.phases().size() + " phases, expected the switchover and the switch back");
        }
      }
      problems.addAll(Topology.healthy(f, "pg1", List.of("pg2"), "sweep_topo"));
      return problems;
    }
  }

  /**
   * A runbook that hands the primary to the other node: each replay starts from the primary the previous one left
   * ({@code from}), the other node ({@code to}) rejoined if stopped and streaming, and 100 new marker rows.
   */
  abstract static class SwitchoverScenario implements Scenario {
    String from;
    String to;

    @Override
    public void prepare() throws Exception {
      from = primary();
      to = other(from);
      rejoinIfStopped(to);
      replicaStreams(to);
      mark(from);
    }

    /** The run's failure, and its report unless it completed with {@code to} the primary. */
    List<String> ended(Throwable failure, RunReport report, String primaryNow) {
      List<String> problems = failed(failure);
      if (report.outcome() != RunbookState.COMPLETED || !to.equals(primaryNow)) {
        problems.add("run ended " + report.outcome() + " with " + primaryNow + " primary (expected " + to + "): "
            + report.summary());
      }
      return problems;
    }
  }

  /**
   * RollingRestart of {@code max_connections} (a restart parameter) to one more than its current value, so every replay
   * restarts the replica and switches over: the primary alternates between replays, and each replay starts from
   * whichever node is primary now (a node a failed replay left stopped is rebuilt first). Approved by alice.
   */
  static final class RollingRestartScenario extends SwitchoverScenario {
    private static final String SETTING = "SELECT setting || '|' || pending_restart FROM pg_settings"
        + " WHERE name = 'max_connections'";
    private String wanted;

    @Override
    public String runbook() {
      return "RollingRestart";
    }

    @Override
    public void prepare() throws Exception {
      super.prepare();
      int now = 0;
      for (String n : List.of(from, to)) {
        now = Math.max(now, Integer.parseInt(Sql.value(f.stack.postgres().node(n), "SHOW max_connections")));
      }
      wanted = Integer.toString(now + 1);
    }

    @Override
    public WorkflowStub start(String suffix) {
      RollingRestartWorkflow wf = stub(RollingRestartWorkflow.class, WorkflowIds.rollingRestart("main") + ":" + suffix);
      WorkflowClient.start(wf::run, new RollingRestartInput("main", Map.of("max_connections", wanted), false,
          "crash-sweep", "crash sweep"));
      return WorkflowStub.fromTyped(wf);
    }

    @Override
    public Class<?> resultType() {
      return RollingRestartResult.class;
    }

    @Override
    public List<String> check(Object result, Throwable failure) throws Exception {
      List<String> problems = result instanceof RollingRestartResult r ? ended(failure, r.report(), r.primaryAfter())
          : failed(failure);
      problems.addAll(Topology.healthy(f, to, List.of(from), "sweep_topo"));
      problems.addAll(everyMark(to));
      for (String n : List.of(to, from)) {
        String seen;
        try {
          seen = Sql.value(f.stack.postgres().node(n), SETTING);
        } catch (SQLException e) {
          seen = e.getMessage();
        }
        if (!(wanted + "|false").equals(seen)) {
          problems.add(n + " has max_connections|pending_restart " + seen + ", expected " + wanted + "|false");
        }
      }
      return problems;
    }
  }

  /**
   * Failover to the current replica (a switchover: the primary is up), approved by alice and bob. The old primary
   * stays stopped by design; the next replay first rebuilds it (a clean, uncrashed ReplicaRebuild).
   */
  static final class FailoverScenario extends SwitchoverScenario {
    @Override
    public String runbook() {
      return "Failover";
    }

    @Override
    public WorkflowStub start(String suffix) {
      FailoverWorkflow wf = stub(FailoverWorkflow.class, WorkflowIds.failover("main") + ":" + suffix);
      WorkflowClient.start(wf::run, new FailoverInput("main", to, false, "crash sweep", "crash-sweep", false));
      return WorkflowStub.fromTyped(wf);
    }

    @Override
    public Class<?> resultType() {
      return FailoverResult.class;
    }

    @Override
    public List<String> check(Object result, Throwable failure) throws Exception {
      List<String> problems = result instanceof FailoverResult r ? ended(failure, r.report(), r.primaryNow())
          : failed(failure);
      problems.addAll(Topology.healthy(f, to, List.of(), "sweep_topo"));
      problems.addAll(everyMark(to));
      return problems;
    }
  }
}
