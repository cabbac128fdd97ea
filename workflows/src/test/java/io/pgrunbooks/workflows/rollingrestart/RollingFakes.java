package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.FailoverActivities;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.failover.FailoverFakes;
import io.pgrunbooks.workflows.lock.ClientLockActivities;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.KeptReports;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.FakeReplicaRebuild;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.worker.Worker;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A two-node cluster (pg1 primary, pg2 replica) whose settings behave as PostgreSQL's do: ALTER SYSTEM writes the
 * file, a reload makes sighup values live and marks postmaster ones pending, a restart makes them live. On Patroni
 * {@code max_connections} is a command-line option: only Patroni's pending_restart shows it (pg_settings does not).
 */
final class RollingFakes {
  /** The rebuild settings, slot and catch-up of the failover fakes, recording into the same calls. */
  private final FailoverFakes failover = new FailoverFakes();
  final List<String> calls = failover.calls;
  final String topology;
  final Map<String, Node> nodes = new HashMap<>();
  /** pg_rewind of the old primary fails (then a child ReplicaRebuild, {@link Rebuild}, rejoins it). */
  volatile boolean rewindFails;
  /** The fakes of the running test, for the child workflow {@link Rebuild} (Temporal instantiates it). */
  private static volatile RollingFakes current;
  /** What the child {@link Rebuild} ends with. */
  volatile RunbookState rebuildOutcome = RunbookState.COMPLETED;
  /** Patroni's timeline: a switchover moves to the next one. */
  private int timeline = 1;

  static final class Node {
    boolean inRecovery;
    final Map<String, String> live = new HashMap<>(Map.of("max_connections", "100", "checkpoint_timeout", "300"));
    final Map<String, String> file = new HashMap<>(live);
    boolean patroniPending;

    Node(boolean inRecovery) {
      this.inRecovery = inRecovery;
    }

    /** ALTER SYSTEM (values in the parameter's unit, as PostgreSQL stores them) and a reload. */
    void write(Map<String, String> values) {
      values.forEach((k, v) -> file.put(k, v.endsWith("min") ? Long.toString(Long.parseLong(v.replace("min", "")) * 60)
          : v));
      live.put("checkpoint_timeout", file.get("checkpoint_timeout")); // sighup: live after the reload
    }

    void restart() {
      live.putAll(file);
      patroniPending = false;
    }
  }

  RollingFakes(String topology) {
    this.topology = topology;
    nodes.put("pg1", new Node(false));
    nodes.put("pg2", new Node(true));
  }

  void register(TestWorkflowEnvironment env) {
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    current = this;
    central.registerWorkflowImplementationTypes(RollingRestartWorkflowImpl.class, TopologyLockWorkflowImpl.class,
        Rebuild.class);
    central.registerActivitiesImplementations(new Config(), new Params(), failover.new Replication(), sql(), new Patroni(),
        new FixedApprovals(), new DroppedNotifications(), new ClientLockActivities(env.getWorkflowClient()),
        new KeptReports());
    for (String n : List.of("pg1", "pg2")) {
      env.newWorker(TaskQueues.node(n)).registerActivitiesImplementations(new Agent(n), restartAgent(n));
    }
    env.start();
  }

  private synchronized void call(String what) {
    calls.add(what);
  }

  private String primary() {
    return nodes.entrySet().stream().filter(e -> !e.getValue().inRecovery).map(Map.Entry::getKey).findFirst()
        .orElseThrow();
  }

  /**
   * The child ReplicaRebuild: as pg_basebackup from the primary does, the node gets the primary's configuration files,
   * starts as its replica and so runs with the values already written there.
   */
  public static final class Rebuild extends FakeReplicaRebuild implements ReplicaRebuildWorkflow {
    @Override
    public ReplicaRebuildResult run(ReplicaRebuildInput input) {
      RollingFakes f = current;
      String primary;
      synchronized (f) {
        primary = f.primary();
        f.call("rebuild " + input.replica() + " from " + primary + " (requested by " + input.requestedBy() + ")");
        if (f.rebuildOutcome == RunbookState.COMPLETED) {
          Node n = f.nodes.get(input.replica());
          n.file.putAll(f.nodes.get(primary).file);
          n.inRecovery = true;
          n.restart();
        }
      }
      Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
      return new ReplicaRebuildResult(new RunReport("ReplicaRebuild", input.cluster(), input.replica(), false,
          f.rebuildOutcome, "fake rebuild", List.of(), List.of(), List.of(), List.of(), List.of(), now, now, 0),
          input.replica(), primary, "", false, 0, 0);
    }
  }

  final class Config implements ConfigActivities {
    @Override
    public ClusterSpec describeCluster(DescribeClusterInput input) {
      return new ClusterSpec("main", List.of(new NodeSpec("pg1", "127.0.0.1", 15431, "pg1"),
          new NodeSpec("pg2", "127.0.0.1", 15432, "pg2")), (HealthThresholds) null, 2, topology);
    }
  }

  final class Params implements ParameterActivities {
    @Override
    public synchronized ParameterFacts parameterFacts(ParameterFactsInput input) {
      List<NodeSettings> out = new ArrayList<>();
      for (String name : List.of("pg1", "pg2")) {
        Node n = nodes.get(name);
        List<Setting> settings = new ArrayList<>();
        for (String p : input.names()) {
          settings.add(switch (p.toLowerCase()) {
            case "max_connections" -> new Setting(p, "max_connections", n.live.get(p), n.live.get(p), null, "integer",
                "postmaster", "1", "262143", List.of(), !"patroni".equals(topology)
                && !n.live.get(p).equals(n.file.get(p)));
            case "checkpoint_timeout" -> new Setting(p, "checkpoint_timeout", n.live.get(p), n.live.get(p) + "s", "s",
                "integer", "sighup", "30", "86400", List.of(), false);
            case "work_mem" -> new Setting(p, "work_mem", "4096", "4MB", "kB", "integer", "user", "64", "2147483647",
                List.of(), false);
            default -> new Setting(p, null, null, null, null, null, null, null, null, List.of(), false);
          });
        }
        out.add(new NodeSettings(name, true, n.inRecovery, null, settings));
      }
      return new ParameterFacts("main", out);
    }

    @Override
    public synchronized String alterSystem(AlterSystemInput input) {
      call("alterSystem " + input.node() + " " + input.parameters());
      Node n = nodes.get(input.node());
      n.write(input.parameters());
      return "altered";
    }
  }

  /** FailoverActivities: only what a switchover asks. */
  FailoverActivities sql() {
    return only(FailoverActivities.class, (method, args) -> switch (method) {
          case "failoverSettings" -> new FailoverActivities.FailoverSettings(10, 10, null, 1000, "pg1", null);
          case "failoverFacts" -> failoverFacts();
          case "awaitReplayedLsn" -> new FailoverActivities.ReplayedLsn(
              ((FailoverActivities.ReplayInput) args[0]).lsn() + 1, 5);
          case "awaitWritablePrimary" -> {
            String node = ((FailoverActivities.PromoteCheckInput) args[0]).node();
            call("awaitWritable " + node);
            yield new FailoverActivities.PromotedPrimary(node, 2, 6000, 10);
          }
          default -> throw new UnsupportedOperationException(method);
        });
  }

  private synchronized FailoverActivities.FailoverFacts failoverFacts() {
    List<FailoverActivities.NodeWal> wal = new ArrayList<>();
    for (String name : List.of("pg1", "pg2")) {
      boolean replica = nodes.get(name).inRecovery;
      wal.add(new FailoverActivities.NodeWal(name, "127.0.0.1", 15431, true, replica, null, replica ? 5000 : -1,
          replica ? 5000 : -1, null, replica ? "streaming" : null, replica ? 0.1 : -1));
    }
    return new FailoverActivities.FailoverFacts("main", wal, primary(), null, 5000,
        Instant.parse("2026-11-01T00:00:00Z"));
  }

  final class Patroni implements PatroniActivities {
    @Override
    public synchronized PatroniFacts facts(PatroniFactsInput input) {
      List<PatroniMember> members = new ArrayList<>();
      for (String name : List.of("pg1", "pg2")) {
        Node n = nodes.get(name);
        members.add(new PatroniMember(name, name, "/data/" + name, n.inRecovery ? "replica" : "primary",
            n.inRecovery ? "streaming" : "running", n.inRecovery, timeline, n.inRecovery ? 0L : null, null, null,
            n.patroniPending, "4.0.0", n.inRecovery));
      }
      return new PatroniFacts("main", primary(), false, null, members, "pg1", List.of());
    }

    @Override
    public String reinitialize(ReinitializeInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PatroniView view(PatroniFactsInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public LeaderWait awaitLeader(AwaitLeaderInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String failover(PatroniFailoverInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public synchronized String patchParameters(PatchParametersInput input) {
      call("patch " + input.parameters());
      for (Node n : nodes.values()) {
        n.write(input.parameters());
        n.patroniPending = !n.live.get("max_connections").equals(n.file.get("max_connections"));
      }
      return "patched";
    }

    @Override
    public synchronized String restartReplica(ReinitializeInput input) {
      call("patroni restart " + input.node());
      nodes.get(input.node()).restart();
      return "restarted successfully";
    }

    @Override
    public synchronized SwitchoverAnswer switchover(SwitchoverInput input) {
      call("patroni switchover " + input.leader() + " -> " + input.candidate());
      nodes.get(input.candidate()).inRecovery = false;
      Node old = nodes.get(input.leader());
      old.inRecovery = true;
      old.restart(); // Patroni demotes the old leader with a restart
      timeline++;
      return new SwitchoverAnswer(200, "Successfully switched over to " + input.candidate());
    }

    @Override
    public SwitchoverWatch switchoverAndWatch(SwitchoverWatchInput input) {
      SwitchoverAnswer a = switchover(new SwitchoverInput(input.cluster(), input.leader(), input.candidate()));
      return new SwitchoverWatch(a.status(), a.body(), true, input.candidateMember() + " leads", 1200);
    }
  }

  /** The failover agent of a node, and PgBouncer on pg1. */
  final class Agent implements FailoverNodeActivities, PgBouncerActivities {
    private final String node;

    Agent(String node) {
      this.node = node;
    }

    @Override
    public StopResult stopForSwitchover(FailoverNodeInput input) {
      call("stop " + node + " for switchover");
      return new StopResult("stopped", 5000, "0/1388", true);
    }

    @Override
    public FenceResult fencePostgres(FailoverNodeInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FenceResult fencePatroniNode(FailoverNodeInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public synchronized CommandOutcome promotePostgres(FailoverNodeInput input) {
      call("promote " + node);
      nodes.get(node).inRecovery = false;
      return new CommandOutcome("promoted", List.of(), "", 0);
    }

    @Override
    public synchronized CommandOutcome rewindAsStandby(StandbyInput input) {
      call("rewind " + node + " from " + input.primary());
      if (rewindFails) {
        throw ApplicationFailure.newNonRetryableFailure("pg_rewind: could not find common ancestor", "RewindFailed");
      }
      nodes.get(node).inRecovery = true;
      nodes.get(node).restart();
      return new CommandOutcome("rewound", List.of(), "", 0);
    }

    @Override
    public CommandOutcome followNewPrimary(StandbyInput input) {
      throw new UnsupportedOperationException();
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

  /** Stop and start of the node agent (together a restart); the other rebuild steps are never asked. */
  NodeActivities restartAgent(String node) {
    return only(NodeActivities.class, (method, args) -> switch (method) {
      case "stopPostgres" -> {
        call("stop " + node);
        yield new CommandOutcome("stopped", List.of(), "", 0);
      }
      case "startPostgres" -> {
        synchronized (this) {
          call("start " + node);
          nodes.get(node).restart();
        }
        yield new CommandOutcome("started", List.of(), "", 0);
      }
      default -> throw new UnsupportedOperationException(method);
    });
  }

  /** An implementation of {@code type} answering through {@code body}; Object's methods answer as identity. */
  private static <T> T only(Class<T> type, java.util.function.BiFunction<String, Object[], Object> body) {
    return type.cast(Proxy.newProxyInstance(RollingFakes.class.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> switch (method.getName()) {
          case "toString" -> type.getSimpleName();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> body.apply(method.getName(), args);
        }));
  }
}
