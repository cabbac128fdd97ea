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
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.failover.FailoverStubs;
import io.pgrunbooks.workflows.failover.Switchover;
import io.pgrunbooks.workflows.replicarebuild.NodeStubs;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.AlterSystemInput;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.NodeSettings;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.ParameterFacts;
import io.pgrunbooks.workflows.rollingrestart.ParameterRules.Change;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Set;

/**
 * {@code topology: direct}: ALTER SYSTEM on every node, restarts through the node agents (stop, start: the agent
 * refuses to stop a primary), and the switchover of {@code Failover} (PAUSE, clean stop, replay, promote, repoint,
 * RESUME) with the old primary rejoined by {@code pg_rewind}, as {@code FailoverDrill} does.
 */
final class DirectRestarts implements Restarts {
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
    run.step("rejoin " + primary + " as a replica of " + candidate, () -> stubs.agent(primary).rewindAsStandby(
        new StandbyInput(spec.name(), primary, candidate, now.host(), now.port(), old.slot())), CommandOutcome::summary);
    run.change(primary + " restarted as a replica of " + candidate);
  }

  private NodeSpec node(String name) {
    return spec.nodes().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
