package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFactsInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatchParametersInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFactsInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.activities.PatroniActivities.ReinitializeInput;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.failover.FailoverStubs;
import io.pgrunbooks.workflows.failover.PatroniSwitchover;
import io.pgrunbooks.workflows.rollingrestart.ParameterActivities.ParameterFacts;
import io.pgrunbooks.workflows.rollingrestart.ParameterRules.Change;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code topology: patroni}: the parameters go into Patroni's configuration ({@code PATCH /config}), Patroni restarts
 * each replica ({@code POST /restart}) and switches over ({@link PatroniSwitchover}, Failover's planned switchover);
 * Patroni restarts the old leader as a replica itself. Nothing runs pg_ctl.
 */
final class PatroniRestarts implements Restarts {
  private final RunRecorder run;
  private final PatroniActivities patroni;
  private final ClusterSpec spec;

  PatroniRestarts(RunRecorder run, PatroniActivities patroni, ClusterSpec spec) {
    this.run = run;
    this.patroni = patroni;
    this.spec = spec;
  }

  @Override
  public void apply(ParameterFacts facts, List<Change> changes, Set<String> pending) {
    if (facts.nodes().stream().allMatch(n -> ParameterRules.applied(n, changes, pending.contains(n.node())))) {
      run.skipped("PATCH /config", "already applied on every member");
      return;
    }
    run.step("PATCH /config", () -> patroni.patchParameters(new PatchParametersInput(spec.name(),
        ParameterRules.values(changes))), s -> s);
    run.change("Patroni's configuration: postgresql.parameters " + ParameterRules.values(changes));
  }

  @Override
  public Set<String> pending() {
    return patroni.facts(new PatroniFactsInput(spec.name())).members().stream()
        .filter(m -> m.pendingRestart() && m.node() != null).map(PatroniMember::node).collect(Collectors.toSet());
  }

  @Override
  public void restartReplica(String node) {
    run.step("restart " + node + " through Patroni", () -> patroni.restartReplica(new ReinitializeInput(spec.name(),
        node)), s -> s);
    run.change("Patroni restarted replica " + node);
  }

  @Override
  public void switchover(String primary, String candidate) {
    // Failover's planned switchover through Patroni: refusals (paused, scheduled), PgBouncer PAUSE, POST /switchover,
    // judged from GET /cluster and a real write, repoint, RESUME, and the old leader seen back as a running replica.
    FailoverStubs stubs = new FailoverStubs(spec.agentStartTimeout());
    FailoverSettings settings = stubs.sql().failoverSettings(new FailoverFactsInput(spec.name()));
    new PatroniSwitchover(run, stubs, spec, settings, "switchover: ").execute(primary, candidate, () -> { });
  }
}
