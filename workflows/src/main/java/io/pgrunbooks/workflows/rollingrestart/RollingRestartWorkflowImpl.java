package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUpInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.RebuildSettings;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
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
import io.pgrunbooks.workflows.lock.LockLease;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflowImpl;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.NodeSettings;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.ParameterFacts;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.ParameterFactsInput;
import io.pgrunbooks.workflows.rollingrestart.ParameterRules.Change;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** See {@link RollingRestartWorkflow}. Decisions in {@link ParameterRules}; backend steps in {@link Restarts}. */
public class RollingRestartWorkflowImpl extends RunbookWorkflowBase implements RollingRestartWorkflow {
  static final String STEP = "rolling-restart";
  /** Reloads are asynchronous: how often and how long the run re-reads pg_settings until a change shows. */
  static final Duration POLL = Duration.ofSeconds(1);
  static final int POLLS = 90;
  /** Failure type when the values are not live everywhere at the end. */
  static final String NOT_LIVE = "NotLive";

  private static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(10));

  private final ConfigActivities config = Workflow.newActivityStub(ConfigActivities.class,
      ActivityStubs.central(Duration.ofSeconds(10)).retry(RETRY).build());
  private final ParameterActivities params = Workflow.newActivityStub(ParameterActivities.class,
      ActivityStubs.central(Duration.ofMinutes(1)).retry(RETRY).build());
  private final PatroniActivities patroni = Workflow.newActivityStub(PatroniActivities.class,
      ActivityStubs.central(Duration.ofMinutes(2)).retry(RETRY).build());
  private final PostgresReplicationActivities replication = Workflow.newActivityStub(
      PostgresReplicationActivities.class, ActivityStubs.central(Duration.ofMinutes(2)).retry(RETRY).build(),
      Map.of("AwaitCatchUp", ReplicaRebuildWorkflowImpl.CATCH_UP));

  private String cluster;
  private List<String> names;
  private Restarts backend;

  @Override
  public RollingRestartResult run(RollingRestartInput input) {
    ParameterRules.requireInput(input);
    cluster = input.cluster().strip();
    RunRecorder run = begin(WorkflowTypes.ROLLING_RESTART, cluster, cluster, input);
    try {
      ClusterSpec spec = run.step("describe cluster", () -> config.describeCluster(new DescribeClusterInput(cluster)),
          s -> s.nodes().size() + " nodes, topology " + (s.onPatroni() ? "patroni" : "direct"));
      backend = spec.onPatroni() ? new PatroniRestarts(run, patroni, spec)
          : new DirectRestarts(run, params, spec, input.requestedBy());
      names = List.copyOf(input.parameters().keySet());
      ParameterFacts facts = run.step("read settings", this::facts, this::roles);
      ParameterRules.requireAllReachable(facts);
      String primary = facts.primary().node();
      List<Change> changes = ParameterRules.validate(input.parameters(), facts.primary());
      names = List.copyOf(ParameterRules.values(changes).keySet());
      Set<String> pending = backend.pending();
      List<String> diff = ParameterRules.diff(facts, changes, primary, pending);
      boolean restart = changes.stream().anyMatch(Change::restart);
      diff.forEach(run::plan);
      if (facts.nodes().stream().allMatch(n -> ParameterRules.live(n, changes, pending.contains(n.node())))) {
        RunReport report = finish(RunbookState.COMPLETED, "every value is live on every node already; nothing to do");
        return new RollingRestartResult(report, diff, false, List.of(), primary, primary);
      }
      if (input.dryRun()) {
        RunReport report = finish(RunbookState.COMPLETED, "dry run: " + diff.size() + " settings would change"
            + (restart ? " with a rolling restart and a switchover" : " with a reload") + "; nothing was changed");
        return new RollingRestartResult(report, diff, restart, List.of(), primary, primary);
      }
      try (LockLease lease = TopologyLock.acquire(cluster, WorkflowTypes.ROLLING_RESTART, "rolling restart"
          + (input.reason() == null || input.reason().isBlank() ? "" : ": " + input.reason()), lockInbox)) {
        ApprovalOutcome approval = gate().approveUntilStable(STEP, () -> {
          ParameterFacts f = facts();
          ParameterRules.requireAllReachable(f);
          return request(changes, ParameterRules.diff(f, changes, f.primary().node(), backend.pending()),
              f.primary().node(), input.reason());
        });
        if (!approval.approved()) {
          RunReport report = finish(approval.endState(), "rolling restart " + approval.describe()
              + "; nothing was changed");
          return new RollingRestartResult(report, diff, restart, List.of(), primary, primary);
        }
        List<String> restarted = new ArrayList<>();
        String primaryAfter = roll(run, spec, changes, restarted);
        lease.release();
        RunReport report = finish(RunbookState.COMPLETED, ParameterRules.values(changes) + " live on every node, no"
            + " pending restart" + (restarted.isEmpty() ? " (reload only)" : "; restarted " + restarted + ", primary "
            + primary + (primaryAfter.equals(primary) ? "" : " → " + primaryAfter)));
        return new RollingRestartResult(report, diff, restart, restarted, primary, primaryAfter);
      }
    } catch (RuntimeException e) {
      fail("RollingRestart of " + cluster + " failed: " + Failures.describe(e) + "; every step re-reads the nodes,"
          + " so a new run continues where this one stopped");
      throw e;
    }
  }

  /** Apply, restart the replicas, switch over, verify; returns the primary at the end. */
  private String roll(RunRecorder run, ClusterSpec spec, List<Change> changes, List<String> restarted) {
    ParameterFacts facts = run.step("re-read settings", this::facts, this::roles);
    ParameterRules.requireAllReachable(facts);
    backend.apply(facts, changes, backend.pending());
    facts = await(run, "await applied on every node", changes, f -> {
      Set<String> pending = backend.pending();
      return f.nodes().stream().allMatch(n -> ParameterRules.applied(n, changes, pending.contains(n.node())));
    });
    String primary = facts.primary().node();
    return restartAll(run, spec, changes, restarted, primary);
  }

  /** Replicas one at a time, then the switchover and the old primary; then verify. */
  private String restartAll(RunRecorder run, ClusterSpec spec, List<Change> changes, List<String> restarted,
                            String primary) {
    String primaryNow = primary;
    if (changes.stream().noneMatch(Change::restart)) {
      run.skipped("restarts", "only reload (sighup) parameters");
    } else {
      for (NodeSpec n : spec.nodes()) {
        if (!n.name().equals(primary) && restartIfNeeded(run, changes, n.name(), primary)) {
          restarted.add(n.name());
        }
      }
      if (needsRestart(changes, primary)) {
        String candidate = spec.nodes().stream().map(NodeSpec::name).filter(n -> !n.equals(primary)).findFirst()
            .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("cluster " + cluster + " has no replica to"
                + " switch over to; restart " + primary + " in a maintenance window", FailureTypes.SAFETY_REFUSED));
        backend.switchover(primary, candidate);
        awaitStreaming(run, primary, candidate);
        restarted.add(primary);
        restartIfNeeded(run, changes, primary, candidate);
        primaryNow = candidate;
      } else {
        run.skipped("switchover", primary + " runs with the new values already");
      }
    }
    ParameterFacts done = await(run, "verify", changes, f -> ParameterRules.verify(f, changes, backend.pending())
        .isEmpty());
    List<String> problems = ParameterRules.verify(done, changes, backend.pending());
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("not live everywhere: " + String.join("; ", problems),
          NOT_LIVE);
    }
    return done.primary() == null ? primaryNow : done.primary().node();
  }

  /** Restarts the replica when a restart parameter is not live on it yet, and waits until it streams again. */
  private boolean restartIfNeeded(RunRecorder run, List<Change> changes, String node, String primary) {
    if (!needsRestart(changes, node)) {
      run.skipped("restart " + node, "new values live already");
      return false;
    }
    backend.restartReplica(node);
    awaitStreaming(run, node, primary);
    return true;
  }

  private boolean needsRestart(List<Change> changes, String node) {
    NodeSettings n = facts().node(node);
    return ParameterRules.needsRestart(n, changes, backend.pending().contains(node));
  }

  private void awaitStreaming(RunRecorder run, String node, String primary) {
    RebuildSettings s = replication.rebuildSettings(new TopologyInput(cluster, node));
    run.step(node + " streams from " + primary, () -> replication.awaitCatchUp(new CatchUpInput(cluster, primary, node,
        s.catchUpLagSeconds(), s.catchUpTimeoutSeconds())), c -> c.state() + ", replay lag " + c.replayLagSeconds()
        + " s after " + c.waitedMillis() + " ms");
  }

  /** Re-reads the settings until {@code done} holds or the polls run out (then returns the last read). */
  private ParameterFacts await(RunRecorder run, String step, List<Change> changes, Predicate<ParameterFacts> done) {
    return run.step(step, () -> {
      ParameterFacts f = facts();
      for (int i = 0; i < POLLS && !done.test(f); i++) {
        Workflow.sleep(POLL);
        f = facts();
      }
      return f;
    }, f -> done.test(f) ? "done" : "not after " + POLLS + " reads");
  }

  private ParameterFacts facts() {
    return params.parameterFacts(new ParameterFactsInput(cluster, names));
  }

  private String roles(ParameterFacts f) {
    return f.nodes().stream().map(n -> n.node() + (n.reachable() ? Boolean.TRUE.equals(n.inRecovery()) ? " replica"
        : " primary" : " not answering")).toList().toString();
  }

  private ApprovalRequest request(List<Change> changes, List<String> diff, String primary, String reason) {
    boolean restart = changes.stream().anyMatch(Change::restart);
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("diff", String.join("\n", diff));
    evidence.put("how", restart ? "ALTER SYSTEM / Patroni config, restart each replica (waiting for it to stream),"
        + " switch over from " + primary + " to a replica (writes through PgBouncer pause a few seconds), restart "
        + primary + " as a replica" : "write the configuration and reload; no restart");
    if (reason != null && !reason.isBlank()) {
      evidence.put("reason", reason);
    }
    return new ApprovalRequest(STEP, (restart ? "rolling restart" : "reload") + " of cluster " + cluster + " to set "
        + ParameterRules.values(changes), cluster, evidence, PlanDigest.of(primary,
        PlanDigest.of(diff)), null);
  }
}
