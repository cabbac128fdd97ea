package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stand-ins for the activities of a replica rebuild: pg1 primary, pg2 the replica, a journal of node calls. */
public final class RebuildFakes {
  private RebuildFakes() {}

  public static final class Config implements ConfigActivities {
    private final String topology;

    public Config() {
      this(null);
    }

    /** @param topology the cluster's topology; null as in specs from before the Patroni backend */
    Config(String topology) {
      this.topology = topology;
    }

    @Override
    public ClusterSpec describeCluster(DescribeClusterInput input) {
      if (!"main".equals(input.cluster())) {
        throw ApplicationFailure.newNonRetryableFailure("unknown cluster '" + input.cluster() + "'", FailureTypes.BAD_INPUT);
      }
      return new ClusterSpec("main", List.of(new NodeSpec("pg1", "127.0.0.1", 15432, "pg1"),
          new NodeSpec("pg2", "127.0.0.1", 15433, "pg2")), (HealthThresholds) null, 2, topology);
    }
  }

  static final class Replication implements PostgresReplicationActivities {
    /** Primaries returned by successive topology calls; the last repeats. */
    volatile List<String> primaries = List.of("pg1");
    volatile long databaseBytes = 100L * 1024 * 1024;
    volatile boolean keepOld;
    volatile boolean failCatchUp;
    final List<String> calls = new CopyOnWriteArrayList<>();
    private int topologyCalls;

    @Override
    public synchronized Topology topology(TopologyInput input) {
      String primary = primaries.get(Math.min(topologyCalls++, primaries.size() - 1));
      return new Topology("main", List.of(), primary, null, null, -1, "pg2", true, false, databaseBytes);
    }

    @Override
    public RebuildSettings rebuildSettings(TopologyInput input) {
      return new RebuildSettings(keepOld, 1, 60, 5, 1.2);
    }

    @Override
    public String recreateSlot(SlotInput input) {
      calls.add("recreateSlot " + input.slot() + " on " + input.primary());
      return "slot re-created";
    }

    @Override
    public CatchUp awaitCatchUp(CatchUpInput input) {
      calls.add("awaitCatchUp");
      if (failCatchUp) {
        throw ApplicationFailure.newNonRetryableFailure("pg2 did not catch up within 60 s", "Test");
      }
      return new CatchUp("streaming", 0.2, 0, 1500);
    }
  }

  /**
   * The node agent of pg2 (or {@code name}): remembers every mutating call; {@code freeBytes} and {@code running} are
   * settable.
   */
  public static final class Node implements NodeActivities {
    private final String name;
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    volatile long freeBytes = 10L * 1024 * 1024 * 1024;
    public volatile Boolean inRecovery = true;
    public volatile boolean moved;

    public Node() {
      this("pg2");
    }

    public Node(String name) {
      this.name = name;
    }

    @Override
    public DiskUsage diskUsage(DiskUsageInput input) {
      return new DiskUsage(name, "/data/" + name, 1, 2, 1, "host");
    }

    @Override
    public NodeState nodeState(RebuildStep input) {
      return new NodeState(name, "/data/" + name, true, true, inRecovery, "in archive recovery", null, moved, false,
          freeBytes, "host");
    }

    @Override
    public NodePlan rebuildPlan(BaseBackupInput in) {
      return new NodePlan("/data/" + name, "/data/" + name + ".rebuild-" + in.runId(), List.of("pg_ctl stop -m fast"),
          List.of("mv /data/" + name + " /data/" + name + ".rebuild-" + in.runId()),
          List.of("pg_basebackup -D /data/" + name + ".partial-" + in.runId() + " -R -S " + in.slot() + " -d host="
              + in.primaryHost() + " port=" + in.primaryPort()),
          List.of("pg_ctl start"), List.of("rm -rf /data/" + name + ".rebuild-" + in.runId()), List.of("mv back"));
    }

    @Override
    public CommandOutcome stopPostgres(RebuildStep input) {
      return done("stop");
    }

    @Override
    public CommandOutcome moveDataDirAside(RebuildStep input) {
      moved = true;
      return done("moveAside");
    }

    @Override
    public CommandOutcome baseBackup(BaseBackupInput input) {
      calls.add("baseBackup from " + input.primary());
      return new CommandOutcome("copied", List.of(), "", 123456);
    }

    @Override
    public CommandOutcome startPostgres(RebuildStep input) {
      return done("start");
    }

    @Override
    public CommandOutcome removeOldDataDir(RebuildStep input) {
      return done("removeOld");
    }

    @Override
    public CommandOutcome restoreOldDataDir(RebuildStep input) {
      moved = false;
      return done("restore");
    }

    private CommandOutcome done(String what) {
      calls.add(what);
      return new CommandOutcome(what, List.of(), "", 0);
    }
  }

  /** Patroni of a two-node cluster: {@code leader} holds the lock, pg2's data dir is /data/pg2. */
  static final class Patroni implements PatroniActivities {
    volatile String leader = "pg1";
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public PatroniFacts facts(PatroniFactsInput input) {
      return new PatroniFacts("main", leader, false, null, List.of(member("pg1"), member("pg2")), "pg1", List.of());
    }

    private PatroniMember member(String name) {
      boolean isLeader = name.equals(leader);
      return new PatroniMember(name, name, "/data/" + name, isLeader ? "primary" : "replica",
          isLeader ? "running" : "streaming", !isLeader, 1, isLeader ? null : 0L, null, null, false, "4.0.4", !isLeader);
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
    public String reinitialize(ReinitializeInput input) {
      calls.add("reinitialize " + input.node());
      return "reinitialize started";
    }

    @Override
    public String patchParameters(PatchParametersInput input) {
      throw new UnsupportedOperationException("RollingRestart only");
    }

    @Override
    public String restartReplica(ReinitializeInput input) {
      throw new UnsupportedOperationException("RollingRestart only");
    }

    @Override
    public SwitchoverAnswer switchover(SwitchoverInput input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SwitchoverWatch switchoverAndWatch(SwitchoverWatchInput input) {
      throw new UnsupportedOperationException();
    }
  }
}
