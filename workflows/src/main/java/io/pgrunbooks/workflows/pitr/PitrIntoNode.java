package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.NodeActivities.BaseBackupInput;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import io.pgrunbooks.workflows.activities.NodeActivities.NodeState;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.NodeRole;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.RebuildSettings;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.PlanDigest;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.lock.LockInbox;
import io.pgrunbooks.workflows.lock.LockLease;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestore;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestoreCall;
import io.pgrunbooks.workflows.replicarebuild.NodeStubs;
import io.pgrunbooks.workflows.replicarebuild.RebuildChecks;
import io.pgrunbooks.workflows.restoredrill.DrillTarget;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PointInTimeRestore into: node} (workflow code): under the topology lock and after an approval, a replica is
 * stopped, its data directory moved aside, the backup restored to the target in its place and started paused in
 * recovery at the target. Until the restore is verified every failure puts the old data directory back and starts it.
 */
final class PitrIntoNode {
  static final String STEP = "restore-node-to-target";

  private final RunRecorder run;
  private final ApprovalGate gate;
  private final LockInbox inbox;
  private final PostgresReplicationActivities replication;
  private String stage = "nothing changed yet";

  /** What the node path did; the workflow finishes the run with it. */
  record Outcome(RunbookState state, String summary, String host, int port, String dataDir, String oldDataDir,
                 String reached) {}

  PitrIntoNode(RunRecorder run, ApprovalGate gate, LockInbox inbox, PostgresReplicationActivities replication) {
    this.run = run;
    this.gate = gate;
    this.inbox = inbox;
    this.replication = replication;
  }

  Outcome run(PointInTimeRestoreInput input, String cluster, String node, Topology topology, DrillTarget where,
              PgBackRestBackup backup, PitrTarget target) {
    NodeRole role = topology.nodes().stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow();
    NodeRole primary = topology.nodes().stream().filter(n -> n.name().equals(topology.primary())).findFirst()
        .orElseThrow();
    NodeActivities agent = NodeStubs.agent(node, Duration.ofSeconds(Math.max(1, where.agentStartTimeoutSeconds())));
    RebuildStep step = new RebuildStep(cluster, node, Workflow.getInfo().getRunId());
    TopologyInput topologyInput = new TopologyInput(cluster, node);
    RebuildSettings settings = replication.rebuildSettings(topologyInput);
    run.step("inspect node", () -> agent.nodeState(step), s -> "running " + s.running() + ", in recovery "
        + s.inRecovery() + ", control state " + s.controlState());
    NodePlan nodePlan = agent.rebuildPlan(new BaseBackupInput(cluster, node, step.runId(), primary.name(),
        primary.host(), primary.port(), topology.slot() == null ? node : topology.slot()));
    List<String> plan = PitrRules.nodePlan(nodePlan, node, where.stanza(), backup.label(), target,
        settings.keepOldDataDir());
    plan.forEach(run::plan);
    if (input.dryRun()) {
      return new Outcome(RunbookState.COMPLETED, "dry run: would restore " + node + " (" + nodePlan.dataDir()
          + ") to " + target.type() + " " + target.value() + " from backup " + backup.label() + "; nothing was changed",
          role.host(), role.port(), nodePlan.dataDir(), null, null);
    }
    try (LockLease lease = TopologyLock.acquire(cluster, WorkflowTypes.POINT_IN_TIME_RESTORE, "restore " + node
        + " to " + target.type() + " " + target.value(), inbox)) {
      ApprovalOutcome approval = gate.approveUntilStable(STEP, () -> approvalRequest(nodePlan, plan, node, backup,
          target, replication.topology(topologyInput)));
      if (!approval.approved()) {
        return new Outcome(approval.endState(), "restore of " + node + " " + approval.describe()
            + "; nothing was changed", role.host(), role.port(), nodePlan.dataDir(), null, null);
      }
      // Roles may have moved while the approval waited: ask again, centrally and on the node itself.
      Topology now = run.step("re-check roles", () -> replication.topology(topologyInput),
          t -> "primary " + t.primary());
      String refusal = PitrRules.nodeRefusal(now, node);
      if (refusal != null) {
        throw ApplicationFailure.newNonRetryableFailure(refusal + "; nothing was done", FailureTypes.SAFETY_REFUSED);
      }
      NodeState onNode = run.step("re-check node", () -> agent.nodeState(step), s -> "in recovery " + s.inRecovery());
      RebuildChecks.notPrimaryOnNode(onNode, now);
      NodeRestore restored = replace(cluster, node, step, nodePlan, backup, target);
      removeOrKeepOld(run, step, nodePlan, settings.keepOldDataDir());
      lease.release();
      String summary = node + " restored to " + target.type() + " " + target.value() + " from backup "
          + backup.label() + ": PostgreSQL on " + role.host() + ":" + role.port() + " is paused in recovery at the "
          + "target, read-only, and no longer a replica (" + restored.recoveryStop() + "); "
          + (settings.keepOldDataDir() ? "old data dir kept at " + nodePlan.oldCopy() : "old data dir removed")
          + ". Make it a replica again with ReplicaRebuild {\"cluster\": \"" + cluster + "\", \"replica\": \""
          + node + "\"}";
      return new Outcome(RunbookState.COMPLETED, summary, role.host(), role.port(), restored.dataDir(),
          settings.keepOldDataDir() ? nodePlan.oldCopy() : null, restored.recoveryStop());
    }
  }

  /** The destructive part; any failure before the restore is verified puts the old data directory back. */
  private NodeRestore replace(String cluster, String node, RebuildStep step, NodePlan plan, PgBackRestBackup backup,
                              PitrTarget target) {
    NodeActivities agent = NodeStubs.longAgent(node);
    try {
      stage = "stop requested; " + plan.dataDir() + " untouched";
      run.step("stop postgres", () -> agent.stopPostgres(step), CommandOutcome::summary);
      stage = node + " stopped; " + plan.dataDir() + " untouched";
      run.step("move data dir aside", () -> agent.moveDataDirAside(step), CommandOutcome::summary);
      run.change("moved " + plan.dataDir() + " to " + plan.oldCopy());
      stage = node + " stopped; old data dir at " + plan.oldCopy();
      NodeRestore restored = run.step("restore", () -> restorer(node).restoreNodeToTarget(new NodeRestoreCall(cluster,
          node, step.runId(), backup.label(), target.value(), target.type(), false)), r -> "backup " + backup.label()
          + " + WAL restored into " + r.dataDir() + ", paused in recovery at " + r.replayLsn() + " on port "
          + r.port());
      run.change("restored backup " + backup.label() + " to " + target.type() + " " + target.value() + " into "
          + plan.dataDir() + " on " + node + "; it runs paused in recovery and is no replica any more");
      stage = node + " running on the restore; old data dir at " + plan.oldCopy();
      verify(run, PitrRules.notReached(target, restored.recoveryStop()), restored.recoveryStop());
      return restored;
    } catch (RuntimeException e) {
      Workflow.newDetachedCancellationScope(() -> putBack(agent, step, plan, e)).run();
      throw e;
    }
  }

  /** Puts the replica back as it was: its old data directory in place and PostgreSQL started on it. */
  private void putBack(NodeActivities agent, RebuildStep step, NodePlan plan, RuntimeException cause) {
    run.log("failed at: " + stage + " (" + Failures.describe(cause) + ")");
    stage = putOldDataDirBack(run, agent, step, plan, "start postgres on the old data dir", stage);
    run.log("left: " + stage);
  }

  /**
   * What into: node and inPlace do after a failure before the verify: the moved-aside data directory back in place
   * (a restore, if any, moved to {@code <dataDir>.failed-<runId>}) and PostgreSQL started on it. Returns the new
   * stage: what is on the node's disk now.
   */
  static String putOldDataDirBack(RunRecorder run, NodeActivities agent, RebuildStep step, NodePlan plan,
                                  String startStep, String stage) {
    try {
      NodeState s = agent.nodeState(step);
      if (s.oldCopyExists()) {
        run.step("put old data dir back", () -> agent.restoreOldDataDir(step), CommandOutcome::summary);
        run.change("put " + plan.oldCopy() + " back as " + plan.dataDir() + " (a restore, if any, was moved to "
            + plan.dataDir() + ".failed-" + step.runId() + ")");
      }
      if (s.oldCopyExists() || s.dataDirExists()) {
        run.step(startStep, () -> agent.startPostgres(step), CommandOutcome::summary);
        return step.node() + " running on its old data dir " + plan.dataDir() + " again";
      }
      return stage;
    } catch (RuntimeException f) {
      return stage + "; putting the old data dir back failed: " + Failures.describe(f);
    }
  }

  /** After the verify: the moved-aside data directory removed, or kept ({@code rebuild.keepOldDataDir}). */
  static void removeOrKeepOld(RunRecorder run, RebuildStep step, NodePlan plan, boolean keep) {
    if (keep) {
      run.skipped("remove old data dir", "keepOldDataDir: true; " + plan.oldCopy() + " kept");
    } else {
      run.step("remove old data dir", () -> NodeStubs.longAgent(step.node()).removeOldDataDir(step),
          CommandOutcome::summary);
      run.change("removed " + plan.oldCopy());
    }
  }

  /** The verify step of every path: fails the run (SafetyRefused) with {@code why} when it is not null. */
  static void verify(RunRecorder run, String why, String detail) {
    run.step("verify", () -> {
      if (why != null) {
        throw ApplicationFailure.newNonRetryableFailure(why, FailureTypes.SAFETY_REFUSED);
      }
      return detail;
    }, d -> d);
  }

  String stage() {
    return stage;
  }

  private ApprovalRequest approvalRequest(NodePlan nodePlan, List<String> plan, String node, PgBackRestBackup backup,
                                          PitrTarget target, Topology t) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("node", node + " (a replica of " + t.primary() + " now)");
    evidence.put("data dir", nodePlan.dataDir() + " (moved to " + nodePlan.oldCopy() + ", kept until the restore "
        + "is verified)");
    evidence.put("backup", backup.label());
    evidence.put("target", target.type() + " " + target.value());
    evidence.put("afterwards", node + " stops being a replica: it runs paused in recovery at the target, read-only, "
        + "until ReplicaRebuild of " + node + (t.slot() == null ? "" : "; its slot " + t.slot() + " on " + t.primary()
        + " keeps WAL until then"));
    evidence.put("plan", String.join("\n", plan));
    String digest = PlanDigest.of(node, nodePlan.dataDir(), backup.label(), target.type(), target.value(),
        PlanDigest.of(plan));
    return new ApprovalRequest(STEP, "restore " + node + " to " + target.type() + " " + target.value()
        + " from backup " + backup.label() + ": stop it, move " + nodePlan.dataDir() + " aside, pgbackrest restore "
        + "into it; " + node + " stops being a replica", node, evidence, digest, null);
  }

  static PitrNodeActivities restorer(String node) {
    return Workflow.newActivityStub(PitrNodeActivities.class, ActivityStubs.onNode(node, Duration.ofHours(12))
        .scheduleToStart(NodeStubs.AGENT_RETURN_TIMEOUT)
        .heartbeat(Duration.ofSeconds(30))
        // A killed agent: the restore starts over from the moved-aside state; PostgreSQL refusing is non-retryable.
        .retry(ActivityStubs.retry(3, Duration.ofSeconds(10), Duration.ofMinutes(1)))
        .build());
  }
}
