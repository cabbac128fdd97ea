package io.pgrunbooks.workflows.failover;

import static io.pgrunbooks.workflows.failover.PatroniFailoverChecks.describe;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.FailoverActivities.BouncerCheck;
import io.pgrunbooks.workflows.activities.FailoverActivities.DrillTableInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFactsInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FailoverNodeInput;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FenceResult;
import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PatroniActivities.AwaitLeaderInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.LeaderWait;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFactsInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFailoverInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniView;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities.BouncerInput;
import io.pgrunbooks.workflows.activities.PgBouncerActivities.RepointInput;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.PlanDigest;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.failover.PatroniFailoverChecks.Fence;
import io.pgrunbooks.workflows.failover.PatroniFailoverChecks.Situation;
import io.pgrunbooks.workflows.lock.LockInbox;
import io.pgrunbooks.workflows.lock.LockLease;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Failover of a cluster with {@code topology: patroni} whose primary is gone (issue 23). Patroni promotes by itself:
 * the runbook waits (bounded) for its new leader and reports it; only when Patroni will not promote does it ask two
 * people for a manual {@code POST /failover}. Then it fences: an old primary whose Patroni is dead but whose
 * PostgreSQL still accepts writes is stopped by its node agent, after an approval that also covers repointing
 * PgBouncer to Patroni's leader. The planned switchover (healthy leader) is not handled here: {@link #run} answers
 * null and the workflow goes on with its switchover path.
 */
final class PatroniFailover {
  /** getVersion change id: Failover on clusters with topology patroni goes through this class. */
  static final String CHANGE = "failover-through-patroni";
  static final String STEP = "patroni-fence-and-repoint";
  static final String MANUAL_STEP = "patroni-manual-failover";

  private final RunRecorder run;
  private final ApprovalGate gate;
  private final BiFunction<RunbookState, String, RunReport> finish;
  private final LockInbox lockInbox;
  private final FailoverStubs stubs;
  private final ClusterSpec spec;
  private final PatroniActivities patroni;
  private String cluster;
  private String candidate;
  private String stage = "nothing changed";

  PatroniFailover(RunRecorder run, ApprovalGate gate, BiFunction<RunbookState, String, RunReport> finish,
                  LockInbox lockInbox, FailoverStubs stubs, ClusterSpec spec) {
    this.run = run;
    this.gate = gate;
    this.finish = finish;
    this.lockInbox = lockInbox;
    this.stubs = stubs;
    this.spec = spec;
    ActivityOptions waits = ActivityStubs.override(Duration.ofMinutes(30)).heartbeat(Duration.ofSeconds(20)).build();
    this.patroni = Workflow.newActivityStub(PatroniActivities.class,
        ActivityStubs.central(Duration.ofMinutes(2)).retry(FailoverStubs.RETRY).build(), Map.of("AwaitLeader", waits));
  }

  /** What is done so far, for the failure summary. */
  String stage() {
    return stage;
  }

  /** The run's result, or null when Patroni's leader is healthy: a planned switchover, which is not this class's. */
  FailoverResult run(FailoverInput input) {
    cluster = input.cluster().strip();
    candidate = input.promote().strip();
    FailoverSettings settings = stubs.sql().failoverSettings(new FailoverFactsInput(cluster));
    PatroniView v = view("read Patroni and PostgreSQL");
    Situation situation = PatroniFailoverChecks.situation(v, candidate);
    if (situation == Situation.PLANNED) {
      run.log("Patroni's leader " + v.leaderNode() + " is healthy (its Patroni and PostgreSQL answer, no other node is"
          + " writable): a planned switchover to " + candidate + ", not an unplanned failover");
      return null;
    }
    String old = PatroniFailoverChecks.oldPrimary(v, situation);
    long oldLsn = old == null || v.node(old) == null ? -1 : v.node(old).lsn();
    plan(situation, old, settings).forEach(run::plan);
    if (input.dryRun()) {
      RunReport report = finish.apply(RunbookState.COMPLETED, "dry run: " + situationText(situation, v) + "; old "
          + "primary " + old + "; nothing was changed");
      return new FailoverResult(report, FailoverChecks.FAILOVER, old, v.leaderNode(), -1, -1, false, 0, 0);
    }
    try (LockLease lease = TopologyLock.acquire(cluster, WorkflowTypes.FAILOVER, "failover on Patroni to " + candidate
        + ": " + input.reason(), lockInbox)) {
      LeaderWait wait = null;
      String promotedBy = "Patroni, before this run";
      if (situation == Situation.LEADER_LOST) {
        long waitSeconds = PatroniFailoverChecks.leaderWaitSeconds(settings.promoteTimeoutSeconds());
        wait = awaitLeader("wait for Patroni's new leader", old, waitSeconds);
        promotedBy = "Patroni, by itself";
        if (!wait.found()) {
          ApprovalOutcome o = approveManualFailover(old, oldLsn, waitSeconds, input);
          if (!o.approved()) {
            RunReport report = finish.apply(o.endState(), "manual Patroni failover to " + candidate + " "
                + o.describe() + "; nothing was changed, the cluster has no leader");
            return new FailoverResult(report, FailoverChecks.FAILOVER, old, null, -1, -1, false, 0, 0);
          }
          String answer = run.step("POST /failover", () -> patroni.failover(new PatroniFailoverInput(cluster,
              candidate)), a -> a);
          run.change("asked Patroni for a manual failover to " + candidate + ": " + answer);
          stage = "manual failover to " + candidate + " requested from Patroni";
          promotedBy = "Patroni, on POST /failover";
          wait = awaitLeader("wait for the leader after POST /failover", old, settings.promoteTimeoutSeconds());
          if (!wait.found()) {
            throw ApplicationFailure.newNonRetryableFailure("Patroni accepted POST /failover but named no writable"
                + " leader within " + settings.promoteTimeoutSeconds() + " s", FailureTypes.SAFETY_REFUSED);
          }
        }
      }
      v = view("re-read Patroni and PostgreSQL");
      String leader = v.leaderNode();
      if (PatroniFailoverChecks.situation(v, leader) != Situation.LEADER_ELECTED) {
        throw ApplicationFailure.newNonRetryableFailure("Patroni has no healthy leader any more (leader "
            + leader + "); nothing was fenced or repointed", FailureTypes.SAFETY_REFUSED);
      }
      if (old == null || old.equals(leader)) {
        old = PatroniFailoverChecks.oldPrimary(v, Situation.LEADER_ELECTED);
      }
      long timeline = v.node(leader).timeline();
      String promoted = "Patroni's leader is " + leader + " (member " + v.facts().leader() + ") on timeline "
          + timeline + (wait == null ? "" : ", seen at " + wait.at() + " after " + wait.waitedMillis() + " ms")
          + "; promoted by " + promotedBy + (leader.equals(candidate) ? "" : "; NOT the requested " + candidate
          + ": the runbook follows Patroni's choice (a switchover to " + candidate + " is a separate run)");
      run.log(promoted);
      Fenced fenced = fenceAndRepoint(v, leader, old, settings, input);
      if (fenced.outcome() != null) {
        RunReport report = finish.apply(fenced.outcome().endState(), promoted + "; fence and repoint "
            + fenced.outcome().describe() + ": nothing was stopped or repointed");
        return new FailoverResult(report, FailoverChecks.FAILOVER, old, leader, -1, -1, false, (int) timeline,
            wait == null ? -1 : wait.waitedMillis());
      }
      BouncerCheck check = settings.bouncerNode() == null ? null : run.step("write and read through pgbouncer",
          () -> stubs.sql().checkThroughBouncer(new DrillTableInput(cluster, "postgres", null, null, null)),
          c -> "served by " + c.node() + " (in recovery " + c.inRecovery() + ", timeline " + c.timeline() + ")");
      if (check != null && !leader.equals(check.node())) {
        throw ApplicationFailure.newNonRetryableFailure("PgBouncer served the check write from " + check.node()
            + ", not Patroni's leader " + leader, FailureTypes.SAFETY_REFUSED);
      }
      lease.release();
      String summary = "failover on Patroni: " + promoted + "; " + fenced.summary()
          + (check == null ? "" : "; PgBouncer took a write on " + check.node() + " (timeline " + check.timeline() + ")")
          + (old == null ? "" : "; " + old + " stays out: start its Patroni to rejoin it as a replica (pg_rewind), or"
          + " ReplicaRebuild");
      RunReport report = finish.apply(RunbookState.COMPLETED, summary);
      return new FailoverResult(report, FailoverChecks.FAILOVER, old, leader, -1, -1, fenced.confirmed(),
          (int) timeline, wait == null ? -1 : wait.waitedMillis());
    }
  }

  /** @param outcome the approval when it was not given (nothing done), else null */
  private record Fenced(ApprovalOutcome outcome, boolean confirmed, String summary) {}

  private Fenced fenceAndRepoint(PatroniView v, String leader, String old, FailoverSettings settings,
                                 FailoverInput input) {
    List<String> stop = new ArrayList<>();
    for (String node : PatroniFailoverChecks.writableOthers(v, leader)) {
      Fence f = PatroniFailoverChecks.fence(v.node(node));
      if (f == Fence.PATRONI_ALIVE) {
        throw ApplicationFailure.newNonRetryableFailure(node + " accepts writes but its Patroni answers: Patroni"
            + " demotes it itself and the node agent never touches it; run again once it did. Nothing was changed",
            FailureTypes.SAFETY_REFUSED);
      }
      stop.add(node);
    }
    boolean repoint = settings.bouncerNode() != null && old != null && !old.equals(leader);
    if (stop.isEmpty() && !repoint) {
      return new Fenced(null, true, "no other node accepts writes (fence confirmed); nothing to repoint");
    }
    ApprovalOutcome approval = gate.request(fenceRequest(v, leader, old, stop, repoint, input));
    if (!approval.approved()) {
      return new Fenced(approval, false, null);
    }
    PgBouncerActivities bouncer = settings.bouncerNode() == null ? null : stubs.bouncer(settings.bouncerNode());
    boolean paused = false;
    List<String> done = new ArrayList<>();
    try {
      if (bouncer != null && !stop.isEmpty()) {
        run.step("pause pgbouncer", () -> bouncer.pauseBouncer(new BouncerInput(cluster)), s -> s);
        paused = true;
        stage = "PgBouncer paused";
      }
      for (String node : stop) {
        FenceResult r = run.step("fence " + node, () -> stubs.agent(node).fencePatroniNode(
            new FailoverNodeInput(cluster, node)), x -> x.summary());
        run.change("fenced " + node + " (its Patroni was dead, its PostgreSQL writable): " + r.summary());
        stage = stage + "; " + node + " fenced";
        done.add(node + ": " + r.summary());
      }
      PatroniView after = view("confirm only Patroni's leader accepts writes");
      List<String> still = PatroniFailoverChecks.writableOthers(after, leader);
      // Repointed even when a fence did not hold: Patroni's leader is the one primary PgBouncer may serve.
      if (repoint) {
        NodeSpec from = node(old);
        NodeSpec to = node(leader);
        run.step("repoint pgbouncer to " + leader, () -> bouncer.repointBouncer(new RepointInput(cluster, leader,
            to.host(), to.port(), from.host(), from.port())), s -> s);
        run.change("PgBouncer points at " + leader + " (was " + old + ")");
        stage = stage + "; PgBouncer repointed to " + leader;
      }
      if (!still.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure("still writable besides Patroni's leader " + leader + ": "
            + String.join(", ", still), FailureTypes.SAFETY_REFUSED);
      }
    } finally {
      if (paused) {
        // Whatever failed (a cancellation too), clients must not stay queued behind a paused PgBouncer.
        Workflow.newDetachedCancellationScope(() -> {
          try {
            run.step("resume pgbouncer", () -> bouncer.resumeBouncer(new BouncerInput(cluster)), s -> s);
            stage = stage + "; PgBouncer resumed";
          } catch (RuntimeException e) {
            run.log("could not resume PgBouncer: " + Failures.describe(e));
          }
        }).run();
      }
    }
    return new Fenced(null, true, (done.isEmpty() ? "no other node accepted writes" : "fenced "
        + String.join("; ", done)) + " (confirmed: only " + leader + " accepts writes)"
        + (repoint ? "; PgBouncer repointed from " + old + " to " + leader : ""));
  }

  private ApprovalRequest fenceRequest(PatroniView v, String leader, String old, List<String> stop, boolean repoint,
                                       FailoverInput input) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("Patroni's leader", leader + " (member " + v.facts().leader() + "): "
        + describe(v.node(leader), leader));
    for (String n : stop) {
      evidence.put("to fence: " + n, describe(v.node(n), leader));
      evidence.put("writes cut on " + n, v.node(n).clientSessions() + " client sessions closed, "
          + v.node(n).writingSessions() + " open write transactions rolled back; whatever " + n + " took since "
          + leader + " was promoted is not on " + leader);
    }
    if (old != null && !stop.contains(old) && v.node(old) != null) {
      evidence.put("old primary " + old, describe(v.node(old), leader));
    }
    if (!v.facts().findings().isEmpty()) {
      evidence.put("findings", String.join("\n", v.facts().findings()));
    }
    evidence.put("reason", input.reason());
    List<String> actions = new ArrayList<>();
    stop.forEach(n -> actions.add("stop PostgreSQL on " + n + " (pg_ctl stop -m immediate by its node agent; its"
        + " Patroni is dead)"));
    if (repoint) {
      actions.add("repoint PgBouncer from " + old + " to " + leader);
    }
    String digest = PlanDigest.of(leader, String.join(",", stop), String.valueOf(repoint ? old : null));
    return new ApprovalRequest(STEP, String.join(", then ", actions), leader, evidence, digest, null);
  }

  private ApprovalOutcome approveManualFailover(String old, long oldLsn, long waitedSeconds, FailoverInput input) {
    String refusal = PatroniFailoverChecks.manualFailoverRefusal(gate.approvalsNeeded(MANUAL_STEP, candidate));
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.SAFETY_REFUSED);
    }
    PatroniView now = view("read Patroni before a manual failover");
    if (now.node(candidate) == null || !Boolean.FALSE.equals(now.node(candidate).writable())) {
      throw ApplicationFailure.newNonRetryableFailure("the candidate " + candidate + " is not a replica that answers"
          + " (" + (now.node(candidate) == null ? "unknown" : describe(now.node(candidate), now.leaderNode()))
          + "); nothing was changed", FailureTypes.SAFETY_REFUSED);
    }
    long loss = PatroniFailoverChecks.possibleLoss(oldLsn, now.node(candidate));
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("possible data loss", loss < 0 ? "unknown (the old primary's last LSN was never read)"
        : loss + " bytes of WAL the candidate has not received");
    evidence.put("why Patroni did not promote", PatroniFailoverChecks.whyNoPromotion(now.facts(), waitedSeconds));
    evidence.put("candidate", candidate + ": " + describe(now.node(candidate), null));
    if (old != null && now.node(old) != null) {
      evidence.put("old primary " + old, describe(now.node(old), null) + "; last LSN seen "
          + FailoverChecks.lsn(oldLsn));
    }
    evidence.put("reason", input.reason());
    String digest = PlanDigest.of(candidate, String.valueOf(old), Long.toString(loss));
    return gate.request(new ApprovalRequest(MANUAL_STEP, "manual Patroni failover (POST /failover) to " + candidate
        + ", possible data loss " + (loss < 0 ? "unknown" : loss + " bytes"), candidate, evidence, digest, null));
  }

  private LeaderWait awaitLeader(String step, String old, long seconds) {
    return run.step(step, () -> patroni.awaitLeader(new AwaitLeaderInput(cluster, old, seconds)),
        w -> w.found() ? "leader " + w.node() + " on timeline " + w.timeline() + " after " + w.waitedMillis() + " ms"
            : "no writable leader within " + seconds + " s");
  }

  private PatroniView view(String step) {
    return run.step(step, () -> patroni.view(new PatroniFactsInput(cluster)), v -> "leader "
        + (v.leaderNode() == null ? "none" : v.leaderNode()) + "; writable: " + String.join(", ", v.nodes().stream()
        .filter(n -> Boolean.TRUE.equals(n.writable())).map(n -> n.name()).toList()));
  }

  private NodeSpec node(String name) {
    return spec.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  private String situationText(Situation s, PatroniView v) {
    return s == Situation.LEADER_LOST ? "Patroni has no healthy leader: wait for its promotion (manual POST /failover"
        + " with two approvals if it does not)" : "Patroni already promoted " + v.leaderNode();
  }

  private List<String> plan(Situation s, String old, FailoverSettings settings) {
    List<String> plan = new ArrayList<>();
    if (s == Situation.LEADER_LOST) {
      plan.add("wait up to " + PatroniFailoverChecks.leaderWaitSeconds(settings.promoteTimeoutSeconds()) + " s for"
          + " Patroni's new leader; if none: POST /failover {\"candidate\": \"" + candidate + "\"} after two approvals");
    }
    plan.add("fence: every writable node besides Patroni's leader whose Patroni is dead: pg_ctl stop -m immediate by"
        + " its node agent (after approval)" + (old == null ? "" : "; old primary " + old));
    if (settings.bouncerNode() != null) {
      plan.add("[" + settings.bouncerNode() + "] PgBouncer PAUSE, repoint to Patroni's leader, RELOAD, RESUME; a"
          + " test write through it");
    }
    return plan;
  }
}
