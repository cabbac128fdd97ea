package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.activities.FailoverNodeActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.lock.ClientLockActivities;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.pgrunbooks.workflows.replicarebuild.RebuildFakes;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflowImpl;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.KeptReports;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillFakes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;

/**
 * PointInTimeRestore of cluster main on RestoreDrill's fakes (pg1 primary at 10.0.0.1, pg2 a replica whose agent is
 * ReplicaRebuild's fake plus {@link NodeRestorer}, rebuilt by inPlace's child ReplicaRebuild); shared by the
 * workflow test and the replay paths.
 */
public final class PointInTimeRestoreRuns {
  public static final String ID = WorkflowIds.pointInTimeRestore("main");

  public final TestWorkflowEnvironment env;
  public final RestoreDrillFakes fakes = new RestoreDrillFakes();
  public final KeptReports reports = new KeptReports();
  public final FixedApprovals approvals = new FixedApprovals();
  public final Replication replication = new Replication();
  /** The node agent of pg2 (the replica into: node replaces); its journal also holds the restore. */
  public final RebuildFakes.Node node = new RebuildFakes.Node();
  public final NodeRestorer restorer = new NodeRestorer(node.calls);
  /** The agent of pg1 (the primary into: inPlace restores; PgBouncer's agent too): one journal for all its calls. */
  public final RebuildFakes.Node primary = new RebuildFakes.Node("pg1");
  public final NodeRestorer primaryRestorer = new NodeRestorer(primary.calls);
  public final PrimaryAgent primaryAgent = new PrimaryAgent(primary.calls);

  public PointInTimeRestoreRuns(TestWorkflowEnvironment env) {
    this.env = env;
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PointInTimeRestoreWorkflowImpl.class, TopologyLockWorkflowImpl.class,
        ReplicaRebuildWorkflowImpl.class);
    worker.registerActivitiesImplementations(fakes.central, replication, approvals, fakes.notifier, reports,
        new ClientLockActivities(env.getWorkflowClient()), primaryAgent, new RebuildFakes.Config());
    env.newWorker(TaskQueues.node("pg1")).registerActivitiesImplementations(fakes.agent, fakes.pgbackrest, primary,
        primaryRestorer, primaryAgent.failover, primaryAgent.bouncer);
    env.newWorker(TaskQueues.node("pg2")).registerActivitiesImplementations(node, restorer);
  }

  /** Runs to the end (time skipping runs keepFor out). */
  public PointInTimeRestoreResult run(PointInTimeRestoreInput input) {
    env.start();
    return stub().run(input);
  }

  /** Starts the run and returns at once; the caller queries, signals and waits. */
  public PointInTimeRestoreWorkflow start(PointInTimeRestoreInput input) {
    env.start();
    PointInTimeRestoreWorkflow stub = stub();
    WorkflowClient.start(stub::run, input);
    return stub;
  }

  private PointInTimeRestoreWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(PointInTimeRestoreWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
  }

  /** Approves the pending approval as {@code approver} once it shows in the progress query. */
  public static void approve(PointInTimeRestoreWorkflow run, String approver) {
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), approver, "go", null));
  }

  /**
   * What into: inPlace reads and does around the primary pg1: its position (central), the switchover stop (pg1's
   * agent) and PgBouncer (driven by pg1's agent); journals into pg1's calls.
   */
  public static final class PrimaryAgent implements PitrClusterActivities {
    public volatile String bouncerNode = "pg1";
    private final List<String> calls;
    final FailoverNodeActivities failover;
    final PgBouncerActivities bouncer;

    PrimaryAgent(List<String> calls) {
      this.calls = calls;
      this.failover = new FailoverNodeActivities() {
        @Override
        public StopResult stopForSwitchover(FailoverNodeInput input) {
          calls.add("stopPrimary " + input.node());
          return new StopResult("stopped " + input.node() + " (fast)", 0x9000060L, "0/9000060", true);
        }

        @Override
        public FenceResult fencePostgres(FailoverNodeInput input) {
          throw new UnsupportedOperationException("into: inPlace stops the primary cleanly, it never fences");
        }

        @Override
        public FenceResult fencePatroniNode(FailoverNodeInput input) {
          throw new UnsupportedOperationException("into: inPlace never fences");
        }

        @Override
        public io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome promotePostgres(
            FailoverNodeInput input) {
          throw new UnsupportedOperationException("pgBackRest promotes the restore");
        }

        @Override
        public io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome rewindAsStandby(StandbyInput input) {
          throw new UnsupportedOperationException("no rewind");
        }

        @Override
        public io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome followNewPrimary(
            StandbyInput input) {
          throw new UnsupportedOperationException("no follow");
        }
      };
      this.bouncer = new PgBouncerActivities() {
        @Override
        public String pauseBouncer(BouncerInput input) {
          calls.add("pause");
          return "paused";
        }

        @Override
        public String resumeBouncer(BouncerInput input) {
          calls.add("resume");
          return "resumed";
        }

        @Override
        public String repointBouncer(RepointInput input) {
          throw new UnsupportedOperationException("the primary stays where it is");
        }
      };
    }

    @Override
    public InPlaceFacts inPlaceFacts(InPlaceFactsCall call) {
      return new InPlaceFacts("0/9000060", 0x9000060L, "2025-12-07T13:00:00.000000Z", "00000001", bouncerNode);
    }
  }

  /** The restore on pg2's agent: journals into pg2's calls; fails when {@code failure} is set. */
  public static final class NodeRestorer implements PitrNodeActivities {
    public volatile String failure;
    public volatile String recoveryStop = "LOG:  recovery stopping before commit of transaction 730, time "
        + "2025-12-07 11:59:59.5+00";
    private final List<String> calls;

    NodeRestorer(List<String> calls) {
      this.calls = calls;
    }

    @Override
    public NodeRestore restoreNodeToTarget(NodeRestoreCall call) {
      calls.add((call.promote() ? "restorePrimary " : "restoreNode ") + call.backupLabel() + " " + call.targetType() + " " + call.target());
      if (failure != null) {
        throw ApplicationFailure.newNonRetryableFailure(failure, "RestoreDrillFailed");
      }
      return call.promote() ? new NodeRestore("/data/" + call.node(), 5432, 12.5, recoveryStop, "0/3000148", "00000002",
          "000000020000000000000003") : new NodeRestore("/data/pg2", 5432, 12.5, recoveryStop, "1/50000060", null, null);
    }
  }

  /** Roles of main: pg1 primary, pg2 replica (settable: {@code primary}); any other node is unknown. */
  public static final class Replication implements PostgresReplicationActivities {
    /** The primary the topology reports from the {@code primaryMovesAfter}-th call on. */
    public volatile String movedPrimary;
    public volatile int primaryMovesAfter = Integer.MAX_VALUE;
    public volatile boolean keepOld;
    /** inPlace's child rebuild of pg2: the slot re-created and the catch-up awaited, in order. */
    public final List<String> rebuildCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** When set, pg2 never catches up after its rebuild (the child run fails). */
    public volatile String catchUpFailure;
    private int calls;

    @Override
    public synchronized Topology topology(TopologyInput input) {
      if (!List.of("pg1", "pg2").contains(input.replica())) {
        throw ApplicationFailure.newNonRetryableFailure("unknown node '" + input.replica() + "' in cluster main; "
            + "its nodes: pg1, pg2", FailureTypes.BAD_INPUT);
      }
      String primary = ++calls > primaryMovesAfter ? movedPrimary : "pg1";
      return new Topology("main", List.of(new NodeRole("pg1", "10.0.0.1", 5432, true, !"pg1".equals(primary), null),
          new NodeRole("pg2", "10.0.0.2", 5432, true, !"pg2".equals(primary), null)), primary, null, "streaming", 0,
          "pg2", true, true, 1_000_000);
    }

    @Override
    public RebuildSettings rebuildSettings(TopologyInput input) {
      return new RebuildSettings(keepOld, 1, 60, 5, 1.2);
    }

    @Override
    public String recreateSlot(SlotInput input) {
      rebuildCalls.add("recreateSlot " + input.slot() + " on " + input.primary());
      return "slot re-created";
    }

    @Override
    public CatchUp awaitCatchUp(CatchUpInput input) {
      rebuildCalls.add("awaitCatchUp " + input.replica());
      if (catchUpFailure != null) {
        throw ApplicationFailure.newNonRetryableFailure(catchUpFailure, "Test");
      }
      return new CatchUp("streaming", 0.1, 0, 800);
    }
  }
}
