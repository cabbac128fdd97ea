package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFactsInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.StandbyInput;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.SlotInput;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.failover.FailoverStubs;
import io.pgrunbooks.workflows.failover.Switchover;
import io.pgrunbooks.workflows.replicarebuild.NodeStubs;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.AlterSystemInput;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.NodeSettings;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.ParameterFacts;
import io.pgrunbooks.workflows.rollingrestart.ParameterRules.Change;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Set;

/**
 * {@code topology: direct}: ALTER SYSTEM on every node, restarts through the node agents (stop, start: the agent
 * refuses to stop a primary), and the switchover of {@code Failover} (PAUSE, clean stop, replay, promote, repoint,
 * RESUME) with the old primary rejoined by {@code pg_rewind}, as {@code FailoverDrill} does.
 */
final class DirectRestarts implements Restarts {
  /** A failed pg_rewind of the old primary falls back to a child ReplicaRebuild (before: the run failed). */
  static final String REBUILD_FALLBACK = "rolling-restart-rebuild-fallback";
  /** Failure type of a run whose old primary stays stopped: pg_rewind and the ReplicaRebuild after it both failed. */
  static final String REBUILD_FAILED = "OldPrimaryNotRejoined";

  private final RunRecorder run;
  private final ParameterActivities params;
  private final ClusterSpec spec;
  private final String requestedBy;

  DirectRestarts(RunRecorder run, ParameterActivities params, ClusterSpec spec, String requestedBy) {
    this.run = run;
    this.params = params;
    this.spec = spec;
    this.requestedBy = requestedBy;
  }

  @Override
  public void apply(ParameterFacts facts, List<Change> changes, Set<String> pending) {
    for (NodeSettings n : facts.nodes()) {
      if (ParameterRules.applied(n, changes, false)) {
        run.skipped("ALTER SYSTEM on " + n.node(), "already applied");
        continue;
      }
      run.step("ALTER SYSTEM on " + n.node(), () -> params.alterSystem(new AlterSystemInput(spec.name(), n.node(),
          ParameterRules.values(changes))), s -> s);
      run.change("ALTER SYSTEM SET " + ParameterRules.values(changes) + " on " + n.node() + ", configuration reloaded");
    }
  }

  @Override
  public Set<String> pending() {
    return Set.of();
  }

  @Override
  public void restartReplica(String node) {
    NodeActivities agent = NodeStubs.longAgent(node);
    RebuildStep step = new RebuildStep(spec.name(), node, Workflow.getInfo().getRunId());
    run.step("stop " + node, () -> agent.stopPostgres(step), CommandOutcome::summary);
    run.step("start " + node, () -> agent.startPostgres(step), CommandOutcome::summary);
    run.change("restarted replica " + node);
  }

  @Override
  public void switchover(String primary, String candidate) {
    FailoverStubs stubs = new FailoverStubs(spec.agentStartTimeout());
    FailoverSettings settings = stubs.sql().failoverSettings(new FailoverFactsInput(spec.name()));
    new Switchover(run, stubs, spec, settings, "switchover: ").requestedBy(requestedBy)
        .execute(primary, candidate, true, () -> { });
    NodeSpec old = node(primary);
    NodeSpec now = node(candidate);
    run.step("slot for " + primary + " on " + candidate, () -> stubs.replication().recreateSlot(
        new SlotInput(spec.name(), candidate, old.slot())), s -> s);
    // The old primary stopped cleanly and the candidate replayed its last WAL: pg_rewind finds nothing to undo.
    try {
      run.step("rejoin " + primary + " as a replica of " + candidate, () -> stubs.agent(primary).rewindAsStandby(
          new StandbyInput(spec.name(), primary, candidate, now.host(), now.port(), old.slot())),
          CommandOutcome::summary);
    } catch (ActivityFailure e) {
      if (Workflow.getVersion(REBUILD_FALLBACK, Workflow.DEFAULT_VERSION, 1) < 1) {
        throw e;
      }
      rebuildAfterFailedRewind(stubs, settings, primary, candidate, e);
      return;
    }
    run.change(primary + " restarted as a replica of " + candidate);
  }

  /**
   * pg_rewind failed after the switchover: the old primary is stopped and the new one serves. A child ReplicaRebuild
   * (which asks its own approval: it replaces the node's data directory) rebuilds it from the new primary, whose
   * configuration already holds the new values. The run fails, naming the node, when the rebuild does not complete.
   */
  private void rebuildAfterFailedRewind(FailoverStubs stubs, FailoverSettings settings, String primary,
                                        String candidate, RuntimeException cause) {
    run.log("pg_rewind of " + primary + " failed (" + Failures.describe(cause) + "); " + candidate
        + " is the primary; rebuilding " + primary + " with ReplicaRebuild (its own approval)");
    String outcome = new Switchover(run, stubs, spec, settings, "switchover: ").requestedBy(requestedBy)
        .rebuild(primary, "RollingRestart: pg_rewind of the old primary failed");
    if (!RunbookState.COMPLETED.name().equals(outcome)) {
      throw ApplicationFailure.newNonRetryableFailure(primary + " is stopped: pg_rewind failed ("
          + Failures.describe(cause) + ") and its ReplicaRebuild ended " + outcome + "; " + candidate
          + " is the primary. Rebuild " + primary + " with ReplicaRebuild, then run RollingRestart again to verify",
          REBUILD_FAILED);
    }
    run.change(primary + " rebuilt as a replica of " + candidate + " (ReplicaRebuild after pg_rewind failed)");
  }

  private NodeSpec node(String name) {
    return spec.nodes().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
