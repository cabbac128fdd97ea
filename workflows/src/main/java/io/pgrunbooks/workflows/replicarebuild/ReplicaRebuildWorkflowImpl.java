package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.NodeActivities.BaseBackupInput;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import io.pgrunbooks.workflows.activities.NodeActivities.NodeState;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUp;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUpInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.RebuildSettings;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.SlotInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.PlanDigest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.lock.LockLease;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** See {@link ReplicaRebuildWorkflow}. Checks live in {@link RebuildChecks}; every side effect is an activity. */
public class ReplicaRebuildWorkflowImpl extends RunbookWorkflowBase implements ReplicaRebuildWorkflow {
  public static final String STEP = "rebuild-replica";
  static final String RESTORE_STEP = "restore-old-data-dir";
  static final Duration AGENT_RETURN_TIMEOUT = NodeStubs.AGENT_RETURN_TIMEOUT;
  /** getVersion change id: clusters with topology patroni are rebuilt through Patroni's POST /reinitialize. */
  static final String PATRONI_CHANGE = "rebuild-through-patroni";
  /** getVersion change id: a delegated approval (PointInTimeRestore inPlace's children) counts instead of a vote. */
  static final String DELEGATION_CHANGE = "rebuild-delegated-approval";

  private static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(10));

  /**
   * Catch-up can take as long as the config's catchUpTimeout allows (the activity enforces it); it heartbeats the lag
   * meanwhile. Shared with the failover runbooks, which wait for a rejoined node the same way.
   */
  public static final ActivityOptions CATCH_UP = ActivityStubs.override(Duration.ofHours(6))
      .heartbeat(Duration.ofSeconds(30))
      .build();

  private final ConfigActivities config = Workflow.newActivityStub(ConfigActivities.class,
      ActivityStubs.central(Duration.ofSeconds(10)).retry(RETRY).build());

  private final PostgresReplicationActivities replication = Workflow.newActivityStub(
      PostgresReplicationActivities.class, ActivityStubs.central(Duration.ofMinutes(2)).retry(RETRY).build(),
      Map.of("AwaitCatchUp", CATCH_UP));

  private final PatroniActivities patroni = Workflow.newActivityStub(PatroniActivities.class,
      ActivityStubs.central(Duration.ofMinutes(2)).retry(RETRY).build());

  private String replica;
  private String stage = "nothing changed yet";

  @Override
  public ReplicaRebuildResult run(ReplicaRebuildInput input) {
    if (input == null || blank(input.cluster()) || blank(input.replica())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "ReplicaRebuild needs a cluster and a replica, e.g. {\"cluster\": \"main\", \"replica\": \"pg2\"}",
          FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    replica = input.replica().strip();
    RunRecorder run = begin(WorkflowTypes.REPLICA_REBUILD, cluster, replica, input);
    try {
      ClusterSpec spec = run.step("describe cluster", () -> config.describeCluster(new DescribeClusterInput(cluster)),
          s -> s.nodes().size() + " nodes");
      NodeSpec node = spec.nodes().stream().filter(n -> n.name().equals(replica)).findFirst()
          .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("unknown node '" + replica + "' in cluster "
              + cluster + "; its nodes: " + String.join(", ", spec.nodes().stream().map(NodeSpec::name).toList()),
              FailureTypes.BAD_INPUT));
      // Runs recorded before the Patroni backend have no topology in the spec and never reach this version check.
      if (spec.onPatroni() && Workflow.getVersion(PATRONI_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1) {
        stage = "nothing changed yet (Patroni reinitializes the node itself)";
        return new PatroniRebuild(replication, patroni, run, gate(), this::finish)
            .rebuild(cluster, replica, input.dryRun(), input.reason(), lockInbox);
      }
      TopologyInput topologyInput = new TopologyInput(cluster, replica);
      RebuildSettings settings = replication.rebuildSettings(topologyInput);
      Topology topology = run.step("discover roles", () -> replication.topology(topologyInput),
          t -> "primary " + t.primary() + "; " + replica + ": " + (t.replicaState() == null ? "not connected" : t.replicaState()));
      String primary = RebuildChecks.sourcePrimary(topology, replica);
      NodeActivities agent = NodeStubs.agent(replica, spec.agentStartTimeout());
      RebuildStep step = new RebuildStep(cluster, replica, Workflow.getInfo().getRunId());
      NodeState state = run.step("inspect node", () -> agent.nodeState(step),
          s -> "running " + s.running() + ", in recovery " + s.inRecovery() + ", control state " + s.controlState());
      run.step("check disk", () -> RebuildChecks.requireDisk(state, topology, settings),
          need -> RebuildChecks.bytes(state.freeBytes()) + " free, " + RebuildChecks.bytes(need) + " needed");
      NodeSpec source = spec.nodes().stream().filter(n -> n.name().equals(primary)).findFirst().orElseThrow();
      BaseBackupInput copy = new BaseBackupInput(cluster, replica, step.runId(), primary, source.host(), source.port(),
          node.slot());
      NodePlan nodePlan = agent.rebuildPlan(copy);
      List<String> plan = RebuildChecks.plan(nodePlan, replica, primary, node.slot(), settings);
      plan.forEach(run::plan);
      if (input.dryRun()) {
        RunReport report = finish(RunbookState.COMPLETED, "dry run: " + replica + " would be rebuilt from " + primary
            + " (" + RebuildChecks.why(state, topology) + "); nothing was changed");
        return new ReplicaRebuildResult(report, replica, primary, nodePlan.oldCopy(), true, 0, -1);
      }
      try (LockLease lease = TopologyLock.acquire(cluster, WorkflowTypes.REPLICA_REBUILD,
          "rebuild " + replica + (blank(input.reason()) ? "" : ": " + input.reason()), lockInbox)) {
        Supplier<ApprovalRequest> request = () -> {
          Topology t = replication.topology(topologyInput);
          NodeState s = agent.nodeState(step);
          return approvalRequest(nodePlan, plan, t, s, RebuildChecks.sourcePrimary(t, replica));
        };
        // Only runs carrying a delegation (new since PointInTimeRestore inPlace rebuilds) take this path: runs
        // recorded before it have none and replay unchanged. The roles are checked again after it, as after a vote.
        ApprovalOutcome approval = input.delegatedApproval() != null
            && Workflow.getVersion(DELEGATION_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1
            ? gate().request(request.get(), input.delegatedApproval(),
                List.of(ReplicaRebuildInput.scopeItem(cluster, replica)))
            : gate().approveUntilStable(STEP, request);
        if (!approval.approved()) {
          RunReport report = finish(approval.endState(), "rebuild of " + replica + " " + approval.describe()
              + "; nothing was changed");
          return new ReplicaRebuildResult(report, replica, primary, nodePlan.oldCopy(), false, 0, -1);
        }
        return rebuild(run, agent, step, copy, nodePlan, settings, topologyInput, lease);
      }
    } catch (RuntimeException e) {
      fail("ReplicaRebuild of " + replica + " failed: " + Failures.describe(e) + ". On disk: " + stage);
      throw e;
    }
  }

  private ReplicaRebuildResult rebuild(RunRecorder run, NodeActivities agent, RebuildStep step, BaseBackupInput copy,
                                       NodePlan plan, RebuildSettings settings, TopologyInput topologyInput,
                                       LockLease lease) {
    // Invariant 5: roles may have moved while the approval waited; ask again, centrally and on the node itself.
    Topology now = run.step("re-check roles", () -> replication.topology(topologyInput), t -> "primary " + t.primary());
    String primary = RebuildChecks.sourcePrimary(now, replica);
    if (!primary.equals(copy.primary())) {
      throw ApplicationFailure.newNonRetryableFailure("the primary moved from " + copy.primary() + " to " + primary
          + " after the approval; nothing was done, start a new run", FailureTypes.SAFETY_REFUSED);
    }
    NodeState onNode = run.step("re-check node", () -> agent.nodeState(step), s -> "in recovery " + s.inRecovery());
    RebuildChecks.notPrimaryOnNode(onNode, now);
    NodeActivities longAgent = NodeStubs.longAgent(replica);
    CommandOutcome copied;
    CatchUp caughtUp;
    try {
      stage = "stop requested; " + plan.dataDir() + " untouched";
      run.step("stop postgres", () -> longAgent.stopPostgres(step), CommandOutcome::summary);
      stage = replica + " stopped; " + plan.dataDir() + " untouched";
      run.step("move data dir aside", () -> longAgent.moveDataDirAside(step), CommandOutcome::summary);
      run.change("moved " + plan.dataDir() + " to " + plan.oldCopy());
      stage = replica + " stopped; old data dir at " + plan.oldCopy() + "; no data dir at " + plan.dataDir();
      run.step("recreate slot", () -> replication.recreateSlot(new SlotInput(copy.cluster(), primary, copy.slot())),
          s -> s);
      run.change("re-created replication slot " + copy.slot() + " on " + primary);
      copied = run.step("base backup", () -> longAgent.baseBackup(copy), CommandOutcome::summary);
      run.change("copied " + RebuildChecks.bytes(copied.bytes()) + " from " + primary + " into " + plan.dataDir());
      stage = replica + " stopped; fresh copy at " + plan.dataDir() + "; old data dir at " + plan.oldCopy();
      run.step("start postgres", () -> longAgent.startPostgres(step), CommandOutcome::summary);
      stage = replica + " running on the fresh copy; old data dir at " + plan.oldCopy();
      caughtUp = run.step("await catch-up", () -> replication.awaitCatchUp(new CatchUpInput(copy.cluster(), primary,
          replica, settings.catchUpLagSeconds(), settings.catchUpTimeoutSeconds())),
          c -> c.state() + ", replay lag " + c.replayLagSeconds() + " s after " + c.waitedMillis() + " ms");
    } catch (RuntimeException e) {
      offerRestore(run, longAgent, step, plan, e);
      throw e;
    }
    if (settings.keepOldDataDir()) {
      run.skipped("remove old data dir", "keepOldDataDir: true; " + plan.oldCopy() + " kept");
    } else {
      run.step("remove old data dir", () -> longAgent.removeOldDataDir(step), CommandOutcome::summary);
      run.change("removed " + plan.oldCopy());
    }
    lease.release();
    RunReport report = finish(RunbookState.COMPLETED, replica + " rebuilt from " + primary + ": streaming, replay lag "
        + caughtUp.replayLagSeconds() + " s; " + (settings.keepOldDataDir() ? "old data dir kept at " + plan.oldCopy()
        : "old data dir removed"));
    return new ReplicaRebuildResult(report, replica, primary, plan.oldCopy(), settings.keepOldDataDir(), copied.bytes(),
        caughtUp.replayLagSeconds());
  }

  /** Failure after the stop: say what is on disk, and offer (as an approval) to put the old data dir back. */
  private void offerRestore(RunRecorder run, NodeActivities agent, RebuildStep step, NodePlan plan, RuntimeException e) {
    try {
      // What is really on disk now: a step may have acted before its result was lost.
      NodeState s = agent.nodeState(step);
      stage = stage + " [node says: data dir " + (s.dataDirExists() ? "present" : "absent") + ", old copy "
          + (s.oldCopyExists() ? "at " + plan.oldCopy() : "absent") + ", partial copy "
          + (s.partialExists() ? "present" : "absent") + ", postgres " + (s.running() ? "running" : "stopped") + "]";
      if (!s.oldCopyExists()) {
        run.log("stopped at: " + stage + " (" + Failures.describe(e) + ")");
        return; // the data dir was never moved: nothing to put back
      }
    } catch (RuntimeException unreachable) {
      stage = stage + " [the node agent did not answer: " + Failures.describe(unreachable) + "]";
    }
    run.log("stopped at: " + stage + " (" + Failures.describe(e) + ")");
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("node", replica);
    evidence.put("failure", Failures.describe(e));
    evidence.put("on disk", stage);
    evidence.put("commands", String.join(" && ", plan.restore()));
    ApprovalOutcome restore = gate().request(ApprovalRequest.of(RESTORE_STEP, "put " + plan.oldCopy() + " back as "
        + plan.dataDir() + " on " + replica + " and start it", replica, evidence));
    if (!restore.approved()) {
      run.log("old data dir not restored (" + restore.describe() + "); it is still at " + plan.oldCopy());
      return;
    }
    try {
      run.step("restore old data dir", () -> agent.restoreOldDataDir(step), CommandOutcome::summary);
      run.change("put " + plan.oldCopy() + " back as " + plan.dataDir());
      stage = "old data dir back at " + plan.dataDir();
      run.step("start postgres on the old data dir", () -> agent.startPostgres(step), CommandOutcome::summary);
      stage = replica + " running on its old data dir " + plan.dataDir();
    } catch (RuntimeException restoreFailure) {
      run.log("restore failed: " + Failures.describe(restoreFailure));
    }
  }

  private ApprovalRequest approvalRequest(NodePlan nodePlan, List<String> plan, Topology t, NodeState s, String primary) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("node", replica);
    evidence.put("data dir", nodePlan.dataDir() + " (moved to " + nodePlan.oldCopy() + ", not deleted)");
    evidence.put("why", RebuildChecks.why(s, t));
    evidence.put("source primary", primary);
    evidence.put("approx bytes to copy", RebuildChecks.bytes(t.databaseBytes()));
    evidence.put("plan", String.join("\n", plan));
    // Bound to what is acted on; lag and sizes move all the time and are evidence only.
    String digest = PlanDigest.of(replica, primary, nodePlan.dataDir(), PlanDigest.of(plan));
    return new ApprovalRequest(STEP, "rebuild replica " + replica + " from " + primary + ": stop it, move "
        + nodePlan.dataDir() + " aside, copy the primary with pg_basebackup", replica, evidence, digest, null);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
