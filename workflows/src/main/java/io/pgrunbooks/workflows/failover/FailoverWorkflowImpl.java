package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFacts;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFactsInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.activities.FailoverActivities.DrillTableInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.BouncerCheck;
import io.pgrunbooks.workflows.activities.FailoverActivities.NodeWal;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
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
import io.pgrunbooks.workflows.failover.FailoverChecks.Loss;
import io.pgrunbooks.workflows.lock.LockLease;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link FailoverWorkflow}. Decisions in {@link FailoverChecks}, the switch itself in {@link Switchover}. */
public class FailoverWorkflowImpl extends RunbookWorkflowBase implements FailoverWorkflow {
  static final String STEP = "failover";
  /** getVersion id: a switchover on a cluster with topology patroni goes through Patroni's POST /switchover. */
  static final String PATRONI_CHANGE = "switchover-through-patroni";

  private final ConfigActivities config = Workflow.newActivityStub(ConfigActivities.class,
      ActivityStubs.central(Duration.ofSeconds(10)).retry(FailoverStubs.RETRY).build());

  private String cluster;
  private String candidate;
  private FailoverStubs stubs;
  /** Newest primary LSN seen in this run: the loss estimate falls back on it once the primary is gone. */
  private long rememberedPrimaryLsn = -1;
  private Loss approvedLoss;
  private String approvedMode;
  private int rounds;
  /** Patroni's view before the approval; null on the direct backend. */
  private PatroniFacts patroniFacts;

  @Override
  public FailoverResult run(FailoverInput input) {
    if (input == null || blank(input.cluster()) || blank(input.promote()) || blank(input.reason())) {
      throw ApplicationFailure.newNonRetryableFailure("Failover needs a cluster, the replica to promote and a reason, "
          + "e.g. {\"cluster\": \"main\", \"promote\": \"pg2\", \"reason\": \"pg1 host lost\"}", FailureTypes.BAD_INPUT);
    }
    cluster = input.cluster().strip();
    candidate = input.promote().strip();
    RunRecorder run = begin(WorkflowTypes.FAILOVER, cluster, candidate, input);
    Switchover switchover = null;
    PatroniFailover patroniFailover = null;
    PatroniSwitchover patroni = null;
    try {
      ClusterSpec spec = run.step("describe cluster", () -> config.describeCluster(new DescribeClusterInput(cluster)),
          s -> s.nodes().size() + " nodes");
      if (spec.nodes().stream().noneMatch(n -> n.name().equals(candidate))) {
        throw ApplicationFailure.newNonRetryableFailure("unknown node '" + candidate + "' in cluster " + cluster
            + "; its nodes: " + String.join(", ", spec.nodes().stream().map(NodeSpec::name).toList()),
            FailureTypes.BAD_INPUT);
      }
      stubs = new FailoverStubs(spec.agentStartTimeout());
      // Runs recorded before the Patroni backend have no topology in the spec and never reach this version check.
      if (spec.onPatroni() && Workflow.getVersion(PatroniFailover.CHANGE, Workflow.DEFAULT_VERSION, 1) == 1) {
        patroniFailover = new PatroniFailover(run, gate(), this::finish, lockInbox, stubs, spec);
        FailoverResult unplanned = patroniFailover.run(input);
        if (unplanned != null) {
          return unplanned;
        }
        patroniFailover = null;   // Patroni's leader is healthy: a planned switchover, below
      }
      FailoverSettings settings = stubs.sql().failoverSettings(new FailoverFactsInput(cluster));
      FailoverFacts facts = facts(run, "discover roles and WAL positions");
      FailoverChecks.requireCandidate(facts, candidate, input.force(), settings.maxReplayGapBytes());
      String oldPrimary = oldPrimary(facts, spec);
      Loss loss = FailoverChecks.loss(facts, candidate, rememberedPrimaryLsn);
      String mode = FailoverChecks.mode(facts);
      // Runs recorded before the Patroni backend have no topology in the spec and never reach this version check.
      if (SWITCHOVER_MODE.equals(mode) && spec.onPatroni()
          && Workflow.getVersion(PATRONI_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1) {
        patroni = new PatroniSwitchover(run, stubs, spec, settings, "");
        patroniFacts = patroni.check(oldPrimary, candidate);
      }
      (patroni == null ? planOf(mode, oldPrimary, settings) : patroni.plan(oldPrimary, candidate)).forEach(run::plan);
      if (input.dryRun()) {
        RunReport report = finish(RunbookState.COMPLETED, "dry run: " + mode + " from " + oldPrimary + " to " + candidate
            + ", possible data loss " + loss.describe() + "; nothing was changed");
        return new FailoverResult(report, mode, oldPrimary, oldPrimary, loss.bytes(), loss.seconds(), true, 0, 0);
      }
      try (LockLease lease = TopologyLock.acquire(cluster, WorkflowTypes.FAILOVER,
          mode + " to " + candidate + ": " + input.reason(), lockInbox)) {
        ApprovalOutcome approval = approve(facts, oldPrimary, mode, input);
        if (!approval.approved()) {
          RunReport report = finish(approval.endState(), mode + " to " + candidate + " " + approval.describe()
              + "; nothing was changed");
          return new FailoverResult(report, mode, oldPrimary, oldPrimary, loss.bytes(), loss.seconds(), true, 0, 0);
        }
        // Roles may have moved while the approval waited: the approved mode must still be the right one.
        FailoverFacts now = facts(run, "re-check roles");
        FailoverChecks.requireCandidate(now, candidate, input.force(), settings.maxReplayGapBytes());
        if (!FailoverChecks.mode(now).equals(approvedMode)) {
          throw ApplicationFailure.newNonRetryableFailure("approved as a " + approvedMode + " but it is now a "
              + FailoverChecks.mode(now) + " (" + (now.primary() == null ? "no primary answers" : now.primary()
              + " answers") + "); nothing was changed, start a new run", FailureTypes.SAFETY_REFUSED);
        }
        Switchover.Outcome out;
        if (patroni != null) {
          out = patroni.execute(oldPrimary, candidate, () -> reapproveIfLossGrew(oldPrimary, input));
        } else {
          switchover = new Switchover(run, stubs, spec, settings, "").requestedBy(input.requestedBy());
          out = switchover.execute(oldPrimary, candidate, SWITCHOVER_MODE.equals(mode),
              () -> reapproveIfLossGrew(oldPrimary, input));
        }
        BouncerCheck check = settings.bouncerNode() == null ? null : run.step("write and read through pgbouncer",
            () -> stubs.sql().checkThroughBouncer(new DrillTableInput(cluster, "postgres", null, null, null)),
            c -> "served by " + c.node() + " (in recovery " + c.inRecovery() + ", timeline " + c.timeline() + ")");
        if (check != null && !candidate.equals(check.node())) {
          run.log("PgBouncer served the check from " + check.node() + ", not " + candidate);
        }
        lease.release();
        String summary = patroni != null ? "switchover through Patroni: " + candidate + " is the leader on timeline "
            + out.timeline() + ", writable " + out.timeToPromoteMillis() + " ms after the POST /switchover; "
            + String.join("; ", out.followers()) : mode + ": " + candidate + " is the primary on timeline " + out.timeline() + ", promoted "
            + out.timeToPromoteMillis() + " ms after the " + (SWITCHOVER_MODE.equals(mode) ? "stop" : "fence") + " of "
            + oldPrimary + "; possible data loss approved: " + approvedLoss.describe()
            + (SWITCHOVER_MODE.equals(mode) ? "" : "; fence of " + oldPrimary + (out.fenceConfirmed() ? " confirmed"
                : " NOT confirmed (" + out.fenceSummary() + ")")) + (input.force() ? "; forced" : "")
            + "; " + oldPrimary + " stays stopped: rejoin it with pg_rewind or ReplicaRebuild (never switched back "
            + "automatically)" + (out.followers().isEmpty() ? "" : "; " + String.join(", ", out.followers()));
        RunReport report = finish(RunbookState.COMPLETED, summary);
        return new FailoverResult(report, mode, oldPrimary, candidate, approvedLoss.bytes(), approvedLoss.seconds(),
            out.fenceConfirmed(), out.timeline(), out.timeToPromoteMillis());
      }
    } catch (RuntimeException e) {
      fail("Failover to " + candidate + " failed: " + Failures.describe(e) + ". State: "
          + (patroniFailover != null ? patroniFailover.stage() : patroni != null ? patroni.stage()
          : switchover == null ? "nothing changed" : switchover.stage()));
      throw e;
    }
  }

  private static final String SWITCHOVER_MODE = FailoverChecks.SWITCHOVER;

  private FailoverFacts facts(RunRecorder run, String step) {
    FailoverFacts f = run.step(step, () -> stubs.sql().failoverFacts(new FailoverFactsInput(cluster)),
        x -> "primary " + (x.primary() == null ? "none answers" : x.primary() + " at " + FailoverChecks.lsn(x.primaryLsn())));
    rememberedPrimaryLsn = Math.max(rememberedPrimaryLsn, f.primaryLsn());
    return f;
  }

  /** The primary to replace: the one that answers, else the one node that is down (ambiguous: refused). */
  private String oldPrimary(FailoverFacts f, ClusterSpec spec) {
    if (f.primary() != null) {
      return f.primary();
    }
    List<String> down = f.nodes().stream().filter(n -> !n.reachable()).map(NodeWal::name).toList();
    if (down.size() != 1) {
      throw ApplicationFailure.newNonRetryableFailure("no primary answers in cluster " + cluster + " and "
          + (down.isEmpty() ? "every node answers as a replica" : "several nodes are down (" + String.join(", ", down)
          + ")") + ": cannot tell which node to fence; nothing was changed", FailureTypes.SAFETY_REFUSED);
    }
    return down.get(0);
  }

  private ApprovalOutcome approve(FailoverFacts facts, String oldPrimary, String mode, FailoverInput input) {
    approvedMode = mode;
    Loss loss = FailoverChecks.loss(facts, candidate, rememberedPrimaryLsn);
    ApprovalOutcome o = gate().request(request(facts, oldPrimary, mode, loss, input));
    rounds = 1;
    if (o.approved()) {
      approvedLoss = loss;
    }
    return o;
  }

  /** Right before the promotion: a larger possible loss than the approved one needs a new approval. */
  private void reapproveIfLossGrew(String oldPrimary, FailoverInput input) {
    FailoverFacts f = facts(run(), "re-check possible data loss");
    Loss now = FailoverChecks.loss(f, candidate, rememberedPrimaryLsn);
    while (now.bytes() > approvedLoss.bytes()) {
      if (++rounds > 3) {
        throw ApplicationFailure.newNonRetryableFailure("the possible data loss kept growing after 3 approvals (now "
            + now.describe() + "); not promoting", FailureTypes.SAFETY_REFUSED);
      }
      run().log("possible data loss grew from " + approvedLoss.describe() + " to " + now.describe()
          + " after the approval: asking again");
      ApprovalOutcome o = gate().request(request(f, oldPrimary, approvedMode, now, input));
      if (!o.approved()) {
        throw ApplicationFailure.newNonRetryableFailure("the larger possible data loss (" + now.describe() + ") was "
            + o.describe() + "; not promoting", FailureTypes.SAFETY_REFUSED);
      }
      approvedLoss = now;
      f = facts(run(), "re-check possible data loss");
      now = FailoverChecks.loss(f, candidate, rememberedPrimaryLsn);
    }
  }

  private ApprovalRequest request(FailoverFacts f, String oldPrimary, String mode, Loss loss, FailoverInput input) {
    NodeWal c = f.node(candidate);
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("possible data loss", loss.describe());
    evidence.put("mode", mode + (patroniFacts != null ? " through Patroni (PAUSE, POST /switchover: Patroni stops the"
        + " leader cleanly and promotes the candidate)" : SWITCHOVER_MODE.equals(mode) ? " (old primary answers: PAUSE, clean stop, replay "
        + "of its final LSN, zero loss)" : " (old primary does not answer: fence it, then promote)"));
    evidence.put("old primary", oldPrimary + (f.primary() == null ? " (does not answer)" : " at "
        + FailoverChecks.lsn(f.primaryLsn())));
    evidence.put("candidate", candidate + ": received " + FailoverChecks.lsn(c.receiveLsn()) + ", replayed "
        + FailoverChecks.lsn(c.replayLsn()) + (c.state() == null ? "" : ", " + c.state())
        + (c.replayLagSeconds() >= 0 ? ", replay lag " + c.replayLagSeconds() + " s" : ""));
    evidence.put("last primary LSN known", FailoverChecks.lsn(loss.lastKnownLsn()) + " (from " + loss.source() + ")");
    evidence.put("reason", input.reason());
    if (patroniFacts != null) {
      evidence.putAll(PatroniSwitchoverChecks.evidence(patroniFacts, candidate));
    }
    if (input.force()) {
      evidence.put("force", "true: candidate health checks overridden");
    }
    // Bound to who is promoted, what is replaced, how, and the loss figure: a larger loss needs a new approval.
    String digest = PlanDigest.of(candidate, oldPrimary, mode, Long.toString(loss.bytes()));
    return new ApprovalRequest(STEP, mode + ": promote " + candidate + " in place of " + oldPrimary
        + ", possible data loss " + loss.describe(), candidate, evidence, digest, null);
  }

  private List<String> planOf(String mode, String oldPrimary, FailoverSettings s) {
    String pause = s.bouncerNode() == null ? null : "[" + s.bouncerNode() + "] PgBouncer PAUSE";
    List<String> plan = new java.util.ArrayList<>();
    if (pause != null) {
      plan.add(pause);
    }
    if (SWITCHOVER_MODE.equals(mode)) {
      plan.add("[" + oldPrimary + "] pg_ctl stop -m fast; read the shutdown checkpoint LSN (pg_controldata)");
      plan.add("[" + candidate + "] wait until pg_last_wal_replay_lsn() passes it (" + s.replayTimeoutSeconds() + " s)");
    } else {
      plan.add("[" + oldPrimary + "] fence: " + (s.fenceCommand() == null ? "pg_ctl stop -m immediate" : s.fenceCommand()));
    }
    plan.add("[" + candidate + "] pg_ctl promote -w; wait for pg_is_in_recovery() = false and a test write ("
        + s.promoteTimeoutSeconds() + " s)");
    if (pause != null) {
      plan.add("[" + s.bouncerNode() + "] rewrite [databases] to " + candidate + ", RELOAD, RESUME");
    }
    plan.add("other replicas: slot on " + candidate + ", primary_conninfo, restart (else ReplicaRebuild)");
    return plan;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
