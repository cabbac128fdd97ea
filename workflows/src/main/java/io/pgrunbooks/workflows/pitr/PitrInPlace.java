package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.activities.FailoverNodeActivities;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FailoverNodeInput;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.StopResult;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.NodeActivities.BaseBackupInput;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities.BouncerInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.NodeRole;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.RebuildSettings;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.Delegation;
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
import io.pgrunbooks.workflows.pitr.PitrClusterActivities.InPlaceFacts;
import io.pgrunbooks.workflows.pitr.PitrClusterActivities.InPlaceFactsCall;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestore;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestoreCall;
import io.pgrunbooks.workflows.replicarebuild.NodeStubs;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflowImpl;
import io.pgrunbooks.workflows.restoredrill.DrillTarget;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PointInTimeRestore into: inPlace} (workflow code): the whole cluster back to the target. Two approvers;
 * PgBouncer paused, the primary stopped and its data directory moved aside, the backup restored to the target and
 * promoted there, verified (target reached, a write archived on a new timeline), PgBouncer resumed. Until the
 * restored primary is verified every failure puts the old data directory back, starts it and resumes PgBouncer.
 * Then each replica is rebuilt from it by a child {@code ReplicaRebuild} on the same approval ({@link PitrRebuilds});
 * runs recorded before change {@link #REBUILDS} only listed the ReplicaRebuild inputs to run by hand.
 */
final class PitrInPlace {
  static final String STEP = "restore-cluster-in-place";
  /** Change id: the run rebuilds the replicas itself (child runs on its approval) instead of listing them. */
  static final String REBUILDS = "pitr-in-place-rebuilds";

  private final RunRecorder run;
  private final ApprovalGate gate;
  private final LockInbox inbox;
  private final PostgresReplicationActivities replication;
  private final PitrClusterActivities cluster;
  private String stage = "nothing changed yet";

  PitrInPlace(RunRecorder run, ApprovalGate gate, LockInbox inbox, PostgresReplicationActivities replication) {
    this.run = run;
    this.gate = gate;
    this.inbox = inbox;
    this.replication = replication;
    this.cluster = ActivityStubs.stub(PitrClusterActivities.class, ActivityStubs.central(Duration.ofMinutes(1))
        .retry(ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(10))).build());
  }

  String stage() {
    return stage;
  }

  PitrIntoNode.Outcome run(PointInTimeRestoreInput input, String name, DrillTarget where, PgBackRestBackup backup,
                           PitrTarget target) {
    String primary = where.node();
    TopologyInput topologyInput = new TopologyInput(name, primary);
    Topology topology = run.step("discover roles", () -> replication.topology(topologyInput),
        t -> "primary " + t.primary());
    if (!primary.equals(topology.primary())) {
      throw ApplicationFailure.newNonRetryableFailure("cluster " + name + " has no single primary now (" + (
          topology.primary() == null ? topology.problem() : "the config read " + primary + ", the servers say "
              + topology.primary()) + "); nothing was changed", FailureTypes.SAFETY_REFUSED);
    }
    NodeRole role = topology.nodes().stream().filter(n -> n.name().equals(primary)).findFirst().orElseThrow();
    List<String> replicas = topology.nodes().stream().map(NodeRole::name).filter(n -> !n.equals(primary)).toList();
    String refusal = PitrRules.inPlaceApprovalRefusal(gate.approvalsNeeded(STEP, name));
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal + "; nothing was changed", FailureTypes.BAD_INPUT);
    }
    InPlaceFacts facts = run.step("read primary position", () -> cluster.inPlaceFacts(new InPlaceFactsCall(name,
        primary)), f -> primary + " at " + f.lsn() + " on timeline " + f.timeline() + " (" + f.time() + ")");
    NodeActivities agent = NodeStubs.agent(primary, Duration.ofSeconds(Math.max(1, where.agentStartTimeoutSeconds())));
    RebuildStep step = new RebuildStep(name, primary, Workflow.getInfo().getRunId());
    // The plan's pg_basebackup line is not used here; its slot only has to be a name.
    NodePlan nodePlan = agent.rebuildPlan(new BaseBackupInput(name, primary, step.runId(), primary, role.host(),
        role.port(), primary));
    RebuildSettings settings = replication.rebuildSettings(topologyInput);
    boolean rebuilds = Workflow.getVersion(REBUILDS, Workflow.DEFAULT_VERSION, 1) >= 1;
    List<String> plan = PitrRules.inPlacePlan(nodePlan, primary, where.stanza(), backup.label(), target,
        facts.bouncerNode(), replicas, settings.keepOldDataDir(), rebuilds ? name : null);
    plan.forEach(run::plan);
    if (input.dryRun()) {
      return new PitrIntoNode.Outcome(RunbookState.COMPLETED, "dry run: would take cluster " + name + " back to "
          + target.type() + " " + target.value() + " on " + primary + " (" + nodePlan.dataDir() + ") from backup "
          + backup.label() + "; nothing was changed", role.host(), role.port(), nodePlan.dataDir(), null, null);
    }
    try (LockLease lease = TopologyLock.acquire(name, WorkflowTypes.POINT_IN_TIME_RESTORE, "restore cluster " + name
        + " in place to " + target.type() + " " + target.value(), inbox)) {
      ApprovalOutcome approval = gate.request(approvalRequest(nodePlan, plan, primary, backup, target, facts,
          replicas, rebuilds ? PitrRules.rebuildScope(name, replicas) : null));
      if (!approval.approved()) {
        return new PitrIntoNode.Outcome(approval.endState(), "in-place restore of " + name + " "
            + approval.describe() + "; nothing was changed", role.host(), role.port(), nodePlan.dataDir(), null,
            null);
      }
      Topology now = run.step("re-check roles", () -> replication.topology(topologyInput),
          t -> "primary " + t.primary());
      if (!primary.equals(now.primary())) {
        throw ApplicationFailure.newNonRetryableFailure("the primary of " + name + " is " + now.primary() + " now, "
            + "not " + primary + " as approved; nothing was done, start a new run", FailureTypes.SAFETY_REFUSED);
      }
      NodeRestore restored = replace(name, primary, step, nodePlan, backup, target, facts);
      PitrIntoNode.removeOrKeepOld(run, step, nodePlan, settings.keepOldDataDir());
      stage = primary + " restored and verified";
      // Still under the lease: the children share the lock of their parent, nobody else moves roles meanwhile.
      String replicasDone = rebuilds ? PitrRebuilds.rebuild(run, name, replicas, approval, input.requestedBy())
          : PitrRules.rebuildAdvice(name, replicas);
      lease.release();
      String summary = "cluster " + name + " taken back to " + target.type() + " " + target.value() + " from backup "
          + backup.label() + ": " + primary + " promoted on timeline " + restored.timeline() + " at "
          + restored.replayLsn() + " (" + restored.recoveryStop() + "), a write archived (" + restored.archivedWal()
          + ")" + (facts.bouncerNode() == null ? "" : ", PgBouncer resumed") + "; lost: what timeline "
          + facts.timeline() + " wrote after the target, up to " + facts.lsn() + "; "
          + (settings.keepOldDataDir() ? "old data dir kept at " + nodePlan.oldCopy() : "old data dir removed")
          + replicasDone;
      return new PitrIntoNode.Outcome(RunbookState.COMPLETED, summary, role.host(), role.port(), restored.dataDir(),
          settings.keepOldDataDir() ? nodePlan.oldCopy() : null, restored.recoveryStop());
    }
  }

  /** The destructive part; a failure before the verify puts the old primary back and resumes PgBouncer. */
  private NodeRestore replace(String name, String primary, RebuildStep step, NodePlan plan, PgBackRestBackup backup,
                              PitrTarget target, InPlaceFacts facts) {
    NodeActivities agent = NodeStubs.longAgent(primary);
    PgBouncerActivities bouncer = facts.bouncerNode() == null ? null : bouncer(facts.bouncerNode());
    FailoverNodeActivities failover = failoverAgent(primary);
    NodeRestore restored;
    try {
      if (bouncer != null) {
        stage = "PgBouncer pause requested";
        run.step("pause pgbouncer", () -> bouncer.pauseBouncer(new BouncerInput(name)), s -> s);
        run.change("paused PgBouncer (writers wait)");
      }
      stage = "PgBouncer paused; stop of " + primary + " requested; " + plan.dataDir() + " untouched";
      StopResult stopped = run.step("stop primary", () -> failover.stopForSwitchover(new FailoverNodeInput(name,
          primary)), StopResult::summary);
      run.change("stopped primary " + primary + " at " + stopped.finalLsnText());
      stage = primary + " stopped; " + plan.dataDir() + " untouched";
      run.step("move data dir aside", () -> agent.moveDataDirAside(step), CommandOutcome::summary);
      run.change("moved " + plan.dataDir() + " to " + plan.oldCopy());
      stage = primary + " stopped; old data dir at " + plan.oldCopy();
      restored = run.step("restore", () -> PitrIntoNode.restorer(primary).restoreNodeToTarget(new NodeRestoreCall(
          name, primary, step.runId(), backup.label(), target.value(), target.type(), true)), r -> "backup "
          + backup.label() + " + WAL restored into " + r.dataDir() + ", promoted on timeline " + r.timeline()
          + ", write archived in " + r.archivedWal());
      run.change("restored backup " + backup.label() + " to " + target.type() + " " + target.value() + " into "
          + plan.dataDir() + " and promoted " + primary + " on timeline " + restored.timeline());
      stage = primary + " running on the restore; old data dir at " + plan.oldCopy();
      PitrIntoNode.verify(run, PitrRules.inPlaceNotVerified(target, restored, facts.timeline()),
          restored.recoveryStop() + "; timeline " + facts.timeline() + " -> " + restored.timeline() + "; WAL "
          + restored.archivedWal() + " archived");
    } catch (RuntimeException e) {
      Workflow.newDetachedCancellationScope(() -> putBack(name, agent, bouncer, step, plan, e)).run();
      throw e;
    }
    if (bouncer != null) {
      run.step("resume pgbouncer", () -> bouncer.resumeBouncer(new BouncerInput(name)), s -> s);
      run.change("resumed PgBouncer: clients reach the restored primary");
    }
    return restored;
  }

  /** The old primary back: its data directory in place, started, PgBouncer resumed. */
  private void putBack(String name, NodeActivities agent, PgBouncerActivities bouncer, RebuildStep step,
                       NodePlan plan, RuntimeException cause) {
    run.log("failed at: " + stage + " (" + Failures.describe(cause) + ")");
    stage = PitrIntoNode.putOldDataDirBack(run, agent, step, plan, "start old primary", stage);
    if (bouncer != null) {
      try {
        run.step("resume pgbouncer", () -> bouncer.resumeBouncer(new BouncerInput(name)), s -> s);
        stage = stage + "; PgBouncer resumed";
      } catch (RuntimeException f) {
        stage = stage + "; PgBouncer still paused (resume failed: " + Failures.describe(f) + ")";
      }
    }
    run.log("left: " + stage);
  }

  private ApprovalRequest approvalRequest(NodePlan nodePlan, List<String> plan, String primary,
                                          PgBackRestBackup backup, PitrTarget target, InPlaceFacts facts,
                                          List<String> replicas, List<String> rebuildScope) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("primary", primary + " (" + nodePlan.dataDir() + ", moved to " + nodePlan.oldCopy()
        + ", kept until the restored primary is verified)");
    evidence.put("backup", backup.label());
    evidence.put("target", target.type() + " " + target.value());
    evidence.put("lost", PitrRules.loss(target, primary, facts.lsn(), facts.time(), facts.timeline()));
    evidence.put("writers", facts.bouncerNode() == null ? "no PgBouncer configured: stop the applications first"
        : "PgBouncer paused (on " + facts.bouncerNode() + ") from before the stop until the restored primary writes");
    evidence.put("replicas", replicas.isEmpty() ? "none" : String.join(", ", replicas) + ": on the lost timeline "
        + "afterwards; " + (rebuildScope == null ? "each needs ReplicaRebuild" : "this run rebuilds each from the "
        + "restored primary (child ReplicaRebuild runs, no further approval)"));
    if (rebuildScope != null && !rebuildScope.isEmpty()) {
      evidence.put("this approval also covers", String.join("\n", rebuildScope));
    }
    evidence.put("plan", String.join("\n", plan));
    String digest = PlanDigest.of(primary, nodePlan.dataDir(), backup.label(), target.type(), target.value(),
        PlanDigest.of(plan));
    if (rebuildScope != null) {
      // Bound to the delegated scope too: the children act on exactly the replicas approved here.
      digest = PlanDigest.of(digest, Delegation.digest(ReplicaRebuildWorkflowImpl.STEP, rebuildScope));
    }
    return new ApprovalRequest(STEP, "take the whole cluster back to " + target.type() + " " + target.value() + " from backup " + backup.label() + ": pause PgBouncer, "
        + "stop primary " + primary + ", move " + nodePlan.dataDir() + " aside, restore and promote; everything "
        + "written after the target is lost", primary, evidence, digest, null);
  }

  private static PgBouncerActivities bouncer(String node) {
    return Workflow.newActivityStub(PgBouncerActivities.class, ActivityStubs.onNode(node, Duration.ofMinutes(2))
        .scheduleToStart(NodeStubs.AGENT_RETURN_TIMEOUT)
        .retry(ActivityStubs.retry(10, Duration.ofSeconds(1), Duration.ofSeconds(10))).build());
  }

  private static FailoverNodeActivities failoverAgent(String node) {
    return Workflow.newActivityStub(FailoverNodeActivities.class, ActivityStubs.onNode(node, Duration.ofMinutes(10))
        .scheduleToStart(NodeStubs.AGENT_RETURN_TIMEOUT)
        .retry(ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(10))).build());
  }
}
