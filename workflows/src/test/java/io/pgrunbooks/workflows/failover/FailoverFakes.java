package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.FailoverActivities;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.ClientLockActivities;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stand-ins for the failover activities: pg1, pg2, pg3 of cluster main, PgBouncer on pg1's agent. Every mutating
 * call lands in one journal ({@link #calls}) in the order the run made it; facts come from a settable script.
 */
public final class FailoverFakes {
  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** Facts returned by successive failoverFacts calls; the last repeats. */
  public volatile List<FailoverActivities.FailoverFacts> facts = List.of(switchoverFacts());
  /** Facts once a promotion was attempted (null: keep the script). */
  public volatile FailoverActivities.FailoverFacts afterPromote;
  public volatile String failOn;
  /** Two of alice, bob and carol must approve unless a test sets {@code approvals.approvalsNeeded}. */
  public final FixedApprovals approvals = new FixedApprovals(2, 3600, "alice", "bob", "carol");
  public volatile long windowSeconds;
  /** While set, awaitReplayedLsn waits for it (up to 30 s): the run can be cancelled in the middle of the wait. */
  public volatile CountDownLatch holdReplay;
  /** What an agent that answers says of its fence: false means PostgreSQL still runs there. */
  public volatile boolean fenceConfirms = true;
  /** The cluster's topology ({@code patroni} runs through {@link #patroni}); null as in specs before Patroni. */
  public volatile String topology;
  public final PatroniFakes patroni = new PatroniFakes(calls);
  /** A scripted Patroni registered instead of {@link #patroni} (unplanned failover tests); null: {@link #patroni}. */
  public volatile io.pgrunbooks.workflows.activities.PatroniActivities scriptedPatroni;
  private int factCalls;
  private boolean promoted;

  public static FailoverActivities.NodeWal replica(String name, long receive, String state) {
    return new FailoverActivities.NodeWal(name, "127.0.0.1", 15432, true, true, null, receive, receive,
        Instant.parse("2026-11-01T00:00:00Z"), state, state == null ? -1 : 0.1);
  }

  public static FailoverActivities.NodeWal primary(String name) {
    return new FailoverActivities.NodeWal(name, "127.0.0.1", 15431, true, false, null, -1, -1, null, null, -1);
  }

  public static FailoverActivities.NodeWal down(String name) {
    return new FailoverActivities.NodeWal(name, "127.0.0.1", 15431, false, null, "connection refused", -1, -1, null,
        null, -1);
  }

  public static FailoverActivities.FailoverFacts facts(FailoverActivities.NodeWal... nodes) {
    String primary = null;
    for (FailoverActivities.NodeWal n : nodes) {
      if (n.reachable() && Boolean.FALSE.equals(n.inRecovery())) {
        primary = n.name();
      }
    }
    return new FailoverActivities.FailoverFacts("main", List.of(nodes), primary,
        primary == null ? "no reachable node is out of recovery" : null, primary == null ? -1 : 5000,
        Instant.parse("2026-11-01T00:00:00Z"));
  }

  public static FailoverActivities.FailoverFacts switchoverFacts() {
    return facts(primary("pg1"), replica("pg2", 5000, "streaming"), replica("pg3", 5000, "streaming"));
  }

  /** A new Failover run on the central queue, with a workflow id of its own. */
  public static FailoverWorkflow newRun(io.temporal.client.WorkflowClient client) {
    return client.newWorkflowStub(FailoverWorkflow.class, io.temporal.client.WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("failover:main:" + java.util.UUID.randomUUID()).build());
  }

  /** The first pending approval of {@code run}, once there is one. */
  public static io.pgrunbooks.workflows.common.PendingApproval awaitPending(FailoverWorkflow run) {
    io.pgrunbooks.workflows.replay.TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(),
        "an approval is pending");
    return run.progress().pendingApprovals().get(0);
  }

  /** Approves {@code p} as alice, then bob. */
  public static void approveTwice(FailoverWorkflow run, io.pgrunbooks.workflows.common.PendingApproval p) {
    run.approve(new io.pgrunbooks.workflows.approval.ApprovalSignal(p.requestId(), "alice", "go", null));
    run.approve(new io.pgrunbooks.workflows.approval.ApprovalSignal(p.requestId(), "bob", "go", null));
  }

  /** Registers {@code impls}, the lock workflow and these fakes (pg1..pg3 agents) on {@code env}, and starts it. */
  public void register(TestWorkflowEnvironment env, Class<?>... impls) {
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(impls);
    central.registerWorkflowImplementationTypes(TopologyLockWorkflowImpl.class);
    central.registerActivitiesImplementations(new Config(), new Sql(), new Replication(),
        scriptedPatroni != null ? scriptedPatroni : patroni, approvals, new DroppedNotifications(),
        new ClientLockActivities(env.getWorkflowClient()), new io.pgrunbooks.workflows.replay.KeptReports());
    for (String node : List.of("pg1", "pg2", "pg3")) {
      env.newWorker(TaskQueues.node(node))
          .registerActivitiesImplementations(new Agent(node), new RebuildAgent(node));
    }
    env.start();
  }

  private void call(String what) {
    calls.add(what);
    if (what.equals(failOn)) {
      throw ApplicationFailure.newNonRetryableFailure("injected failure of " + what, "Test");
    }
  }

  public final class Config implements ConfigActivities {
    @Override
    public ClusterSpec describeCluster(DescribeClusterInput input) {
      return new ClusterSpec("main", List.of(new NodeSpec("pg1", "127.0.0.1", 15431, "pg1"),
          new NodeSpec("pg2", "127.0.0.1", 15432, "pg2"), new NodeSpec("pg3", "127.0.0.1", 15433, "pg3")),
          (HealthThresholds) null, 2, topology);
    }
  }

  public final class Sql implements FailoverActivities {
    @Override
    public FailoverSettings failoverSettings(FailoverFactsInput input) {
      return new FailoverSettings(10, 10, null, 1000, "pg1", new DrillSettings(windowSeconds, 5, false, 3600,
          "postgres", "public.drill", 100, 3, List.of("public.t"), 300));
    }

    @Override
    public synchronized FailoverFacts failoverFacts(FailoverFactsInput input) {
      if (promoted && afterPromote != null) {
        return afterPromote;
      }
      return facts.get(Math.min(factCalls++, facts.size() - 1));
    }

    @Override
    public ReplayedLsn awaitReplayedLsn(ReplayInput input) {
      call("awaitReplayed " + input.node());
      CountDownLatch hold = holdReplay;
      if (hold != null) {
        try {
          hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return new ReplayedLsn(input.lsn() + 1, 5);
    }

    @Override
    public PromotedPrimary awaitWritablePrimary(PromoteCheckInput input) {
      call("awaitWritable " + input.node());
      return new PromotedPrimary(input.node(), "patroni".equals(topology) ? patroni.postgresTimeline() : 2, 6000, 10);
    }

    @Override
    public BouncerCheck checkThroughBouncer(DrillTableInput input) {
      calls.add("checkThroughBouncer");
      return new BouncerCheck("pg2", false, 2, 6000);
    }

    @Override
    public List<SentinelRow> writeDrillSentinels(SentinelInput input) {
      call("sentinels " + input.table().phase());
      List<SentinelRow> rows = new ArrayList<>();
      for (int i = 1; i <= input.count(); i++) {
        rows.add(new SentinelRow(i, 100 + i));
      }
      return rows;
    }

    @Override
    public ProbeReport runDrillProbe(ProbeInput input) {
      return new ProbeReport(30, List.of(1L, 2L, 3L), 0, List.of(), null, null, 900, 800, "stop row");
    }

    @Override
    public void stopDrillProbe(DrillTableInput input) {
      calls.add("stopProbe " + input.phase());
    }

    @Override
    public RowCheck checkDrillRows(RowCheckInput input) {
      calls.add("checkRows on " + input.node());
      return new RowCheck(input.sentinels().size() + input.probes().size(),
          input.sentinels().size() + input.probes().size(), List.of());
    }

    @Override
    public Map<String, Long> countBaselineRows(BaselineInput input) {
      return Map.of("public.t", 42L);
    }

    @Override
    public List<String> storeDrillReport(DrillReportInput input) {
      call("storeReport " + input.date());
      return List.of("p/drills/main/" + input.date() + "/report.json", "p/drills/main/" + input.date() + "/report.md");
    }
  }

  public final class Replication implements PostgresReplicationActivities {
    @Override
    public Topology topology(TopologyInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RebuildSettings rebuildSettings(TopologyInput input) {
      return new RebuildSettings(false, 1, 60, 5, 1.2);
    }

    @Override
    public String recreateSlot(SlotInput input) {
      call("slot " + input.slot() + " on " + input.primary());
      return "slot";
    }

    @Override
    public CatchUp awaitCatchUp(CatchUpInput input) {
      call("catchUp " + input.replica() + " from " + input.primary());
      return new CatchUp("streaming", 0, 0, 100);
    }
  }

  /** The agent of one node: failover steps, the rebuild steps' start, and PgBouncer (which lives on pg1). */
  public final class Agent implements FailoverNodeActivities, PgBouncerActivities {
    private final String node;

    public Agent(String node) {
      this.node = node;
    }

    @Override
    public StopResult stopForSwitchover(FailoverNodeInput input) {
      call("stop " + node);
      return new StopResult("stopped", 5000, "0/1388", true);
    }

    @Override
    public FenceResult fencePostgres(FailoverNodeInput input) {
      call("fence " + node);
      return fenceConfirms ? new FenceResult(true, "not running", "pg_ctl stop -m immediate")
          : new FenceResult(false, "PostgreSQL on " + node + " STILL RUNS after pg_ctl stop -m immediate (exit 1)",
              "pg_ctl stop -m immediate");
    }

    @Override
    public FenceResult fencePatroniNode(FailoverNodeInput input) {
      call("fencePatroni " + node);
      return new FenceResult(true, "PostgreSQL on " + node + " is not running after pg_ctl stop -m immediate (exit 0)",
          "pg_ctl stop -m immediate");
    }

    @Override
    public CommandOutcome promotePostgres(FailoverNodeInput input) {
      promoted = true;
      call("promote " + node);
      return new CommandOutcome("promoted", List.of(), "", 0);
    }

    @Override
    public CommandOutcome rewindAsStandby(StandbyInput input) {
      call("rewind " + node + " from " + input.primary());
      return new CommandOutcome("rewound", List.of(), "", 0);
    }

    @Override
    public CommandOutcome followNewPrimary(StandbyInput input) {
      call("follow " + node + " -> " + input.primary());
      return new CommandOutcome("follows", List.of(), "", 0);
    }

    @Override
    public String pauseBouncer(BouncerInput input) {
      call("pause");
      return "paused";
    }

    @Override
    public String resumeBouncer(BouncerInput input) {
      call("resume");
      return "resumed";
    }

    @Override
    public String repointBouncer(RepointInput input) {
      call("repoint " + input.node());
      return "repointed";
    }
  }

  /** The ReplicaRebuild steps an agent offers; failover uses only the start (compensation). */
  public final class RebuildAgent implements NodeActivities {
    private final String node;

    public RebuildAgent(String node) {
      this.node = node;
    }

    @Override
    public CommandOutcome startPostgres(RebuildStep input) {
      call("start " + node);
      return new CommandOutcome("started", List.of(), "", 0);
    }

    @Override
    public DiskUsage diskUsage(DiskUsageInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public NodeState nodeState(RebuildStep input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CommandOutcome stopPostgres(RebuildStep input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CommandOutcome moveDataDirAside(RebuildStep input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CommandOutcome baseBackup(BaseBackupInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CommandOutcome removeOldDataDir(RebuildStep input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CommandOutcome restoreOldDataDir(RebuildStep input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public NodePlan rebuildPlan(BaseBackupInput input) {
      throw new UnsupportedOperationException();
    }
  }
}
