package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFactsInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.activities.PatroniActivities.ReinitializeInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUp;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUpInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.RebuildSettings;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.PlanDigest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.lock.LockInbox;
import io.pgrunbooks.workflows.lock.LockLease;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * ReplicaRebuild on a cluster with {@code topology: patroni}: Patroni wipes and clones the member
 * ({@code POST /reinitialize}); the runbook finds the member, refuses the leader, asks for the approval naming the
 * data directory Patroni will wipe, and waits for the catch-up as on direct clusters. Nothing runs on the node agent.
 */
final class PatroniRebuild {
  static final String STEP = "reinitialize-replica";

  private final PostgresReplicationActivities replication;
  private final PatroniActivities patroni;
  private final RunRecorder run;
  private final ApprovalGate gate;
  private final BiFunction<RunbookState, String, RunReport> finish;

  PatroniRebuild(PostgresReplicationActivities replication, PatroniActivities patroni, RunRecorder run,
                 ApprovalGate gate, BiFunction<RunbookState, String, RunReport> finish) {
    this.replication = replication;
    this.patroni = patroni;
    this.run = run;
    this.gate = gate;
    this.finish = finish;
  }

  ReplicaRebuildResult rebuild(String cluster, String replica, boolean dryRun, String reason, LockInbox lockInbox) {
    TopologyInput topologyInput = new TopologyInput(cluster, replica);
    RebuildSettings settings = replication.rebuildSettings(topologyInput);
    Topology topology = run.step("discover roles", () -> replication.topology(topologyInput),
        t -> "primary " + t.primary() + " (Patroni's leader, agreed by PostgreSQL)");
    String primary = RebuildChecks.sourcePrimary(topology, replica);
    PatroniFacts facts = run.step("read Patroni", () -> patroni.facts(new PatroniFactsInput(cluster)),
        f -> "leader " + f.leader() + (f.paused() ? ", paused" : "") + "; " + f.findings().size() + " findings");
    PatroniMember member = member(facts, replica);
    List<String> plan = plan(member, primary);
    plan.forEach(run::plan);
    if (dryRun) {
      RunReport report = finish.apply(RunbookState.COMPLETED, "dry run: Patroni would reinitialize " + replica
          + " from " + primary + "; nothing was changed");
      return new ReplicaRebuildResult(report, replica, primary, null, false, 0, -1);
    }
    try (LockLease lease = TopologyLock.acquire(cluster, WorkflowTypes.REPLICA_REBUILD,
        "reinitialize " + replica + " through Patroni" + (reason == null || reason.isBlank() ? "" : ": " + reason),
        lockInbox)) {
      ApprovalOutcome approval = gate.approveUntilStable(STEP, () -> {
        Topology t = replication.topology(topologyInput);
        PatroniFacts f = patroni.facts(new PatroniFactsInput(cluster));
        return approvalRequest(member(f, replica), RebuildChecks.sourcePrimary(t, replica), f);
      });
      if (!approval.approved()) {
        RunReport report = finish.apply(approval.endState(), "reinitialization of " + replica + " "
            + approval.describe() + "; nothing was changed");
        return new ReplicaRebuildResult(report, replica, primary, null, false, 0, -1);
      }
      // Invariant 5: roles may have moved while the approval waited.
      Topology now = run.step("re-check roles", () -> replication.topology(topologyInput), t -> "primary " + t.primary());
      if (!primary.equals(RebuildChecks.sourcePrimary(now, replica))) {
        throw ApplicationFailure.newNonRetryableFailure("the primary moved from " + primary + " to " + now.primary()
            + " after the approval; nothing was done, start a new run", FailureTypes.SAFETY_REFUSED);
      }
      member(run.step("re-check Patroni", () -> patroni.facts(new PatroniFactsInput(cluster)), f -> "leader "
          + f.leader()), replica);
      String answer = run.step("reinitialize", () -> patroni.reinitialize(new ReinitializeInput(cluster, replica)),
          a -> a);
      run.change("Patroni reinitialized member " + member.name() + ": wiped " + member.dataDir() + " on " + replica
          + " and cloned it from " + primary);
      CatchUp caughtUp = run.step("await catch-up", () -> replication.awaitCatchUp(new CatchUpInput(cluster, primary,
          replica, settings.catchUpLagSeconds(), settings.catchUpTimeoutSeconds())),
          c -> c.state() + ", replay lag " + c.replayLagSeconds() + " s after " + c.waitedMillis() + " ms");
      lease.release();
      RunReport report = finish.apply(RunbookState.COMPLETED, replica + " reinitialized by Patroni from " + primary
          + " (" + answer + "): streaming, replay lag " + caughtUp.replayLagSeconds() + " s");
      return new ReplicaRebuildResult(report, replica, primary, null, false, 0, caughtUp.replayLagSeconds());
    }
  }

  /** The member running on {@code node}; refused when there is none or it holds the leader lock. */
  static PatroniMember member(PatroniFacts facts, String node) {
    PatroniMember member = facts.members().stream().filter(m -> node.equals(m.node())).findFirst()
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("node " + node + " is no member of the Patroni"
            + " cluster (members: " + String.join(", ", facts.members().stream().map(PatroniMember::name).toList())
            + "); nothing was done", FailureTypes.SAFETY_REFUSED));
    if (member.isLeader()) {
      throw ApplicationFailure.newNonRetryableFailure(node + " (member " + member.name() + ") holds Patroni's leader"
          + " lock: a leader is never reinitialized; switch over first. Nothing was done", FailureTypes.SAFETY_REFUSED);
    }
    return member;
  }

  static List<String> plan(PatroniMember member, String primary) {
    return List.of("POST /reinitialize to Patroni of " + member.node() + " (member " + member.name() + "): Patroni"
            + " stops PostgreSQL, wipes " + member.dataDir() + " and clones it from the leader " + primary,
        "wait until " + member.node() + " streams from " + primary + " with a replay lag under the cluster's"
            + " rebuild.catchUpLagSeconds");
  }

  private static ApprovalRequest approvalRequest(PatroniMember member, String primary, PatroniFacts facts) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("node", member.node() + " (Patroni member " + member.name() + ", " + member.state() + ")");
    evidence.put("data dir Patroni will wipe", member.dataDir() + " (deleted, not moved aside)");
    evidence.put("source", primary + " (Patroni's leader)");
    evidence.put("Patroni", "timeline " + member.timeline() + ", lag " + member.lagBytes() + " bytes"
        + (facts.paused() ? "; cluster paused" : ""));
    if (!facts.findings().isEmpty()) {
      evidence.put("findings", String.join("\n", facts.findings()));
    }
    String digest = PlanDigest.of(member.node(), primary, member.dataDir(), PlanDigest.of(plan(member, primary)));
    return new ApprovalRequest(STEP, "reinitialize replica " + member.node() + " through Patroni: it wipes "
        + member.dataDir() + " and clones " + primary, member.node(), evidence, digest, null);
  }
}
