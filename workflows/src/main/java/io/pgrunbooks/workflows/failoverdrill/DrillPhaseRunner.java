package io.pgrunbooks.workflows.failoverdrill;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.FailoverActivities.BaselineInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.DrillSettings;
import io.pgrunbooks.workflows.activities.FailoverActivities.DrillTableInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.activities.FailoverActivities.ProbeInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.ProbeReport;
import io.pgrunbooks.workflows.activities.FailoverActivities.RowCheck;
import io.pgrunbooks.workflows.activities.FailoverActivities.RowCheckInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.SentinelInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.SentinelRow;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.StandbyInput;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUp;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.CatchUpInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.SlotInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.TopologyInput;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.failover.FailoverStubs;
import io.pgrunbooks.workflows.failover.PatroniSwitchover;
import io.pgrunbooks.workflows.failover.Switchover;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One proven switchover of a drill: sentinels, probe, switchover, row check, rejoin of the old primary. */
final class DrillPhaseRunner {
  private final RunRecorder run;
  private final FailoverStubs stubs;
  private final ClusterSpec spec;
  private final FailoverSettings settings;
  private final String drillId;
  private final List<String> issues;
  private final String requestedBy;
  private final boolean onPatroni;

  /** @param onPatroni switch over through Patroni's REST API; Patroni rejoins the old leader itself */
  DrillPhaseRunner(RunRecorder run, FailoverStubs stubs, ClusterSpec spec, FailoverSettings settings, String drillId,
                   List<String> issues, String requestedBy, boolean onPatroni) {
    this.requestedBy = requestedBy;
    this.onPatroni = onPatroni;
    this.run = run;
    this.stubs = stubs;
    this.spec = spec;
    this.settings = settings;
    this.drillId = drillId;
    this.issues = issues;
  }

  DrillPhase run(String name, String from, String to) {
    DrillSettings d = settings.drill();
    String p = name + ": ";
    String cluster = spec.name();
    DrillTableInput table = new DrillTableInput(cluster, d.database(), d.probeTable(), drillId, name.replace(' ', '-'));
    Map<String, Long> before = d.baselineTables().isEmpty() ? Map.of() : run.step(p + "baseline row counts",
        () -> stubs.sql().countBaselineRows(new BaselineInput(cluster, from, d.database(), d.baselineTables())),
        Object::toString);
    List<SentinelRow> sentinels = run.step(p + "write sentinel rows through pgbouncer",
        () -> stubs.sql().writeDrillSentinels(new SentinelInput(table, d.sentinelRows())),
        s -> s.size() + " acknowledged, last commit LSN " + (s.isEmpty() ? "-" : s.get(s.size() - 1).commitLsn()));
    long maxSeconds = settings.replayTimeoutSeconds() + settings.promoteTimeoutSeconds() + 300;
    Promise<ProbeReport>[] probe = new Promise[1];
    CancellationScope probeScope = Workflow.newCancellationScope(() -> probe[0] = Async.function(stubs.sql()::runDrillProbe,
        new ProbeInput(table, d.probeIntervalMillis(), maxSeconds)));
    probeScope.run();
    Workflow.sleep(Duration.ofSeconds(1)); // the probe writes before the PAUSE, so a stall shows against a baseline
    long pausedAt = Workflow.currentTimeMillis();
    Switchover.Outcome out;
    try {
      out = onPatroni ? new PatroniSwitchover(run, stubs, spec, settings, p).execute(from, to, () -> { })
          : new Switchover(run, stubs, spec, settings, p).requestedBy(requestedBy).execute(from, to, true, () -> { });
    } catch (RuntimeException e) {
      stopProbe(table, probeScope);
      throw e;
    }
    run.step(p + "stop the probe", () -> {
      stubs.sql().stopDrillProbe(table);
      return "stop row written";
    }, s -> s);
    ProbeReport pr = run.step(p + "probe result", () -> probe[0].get(), r -> r.attempts() + " writes, "
        + r.acknowledged().size() + " acknowledged, " + r.errorCount() + " errors, unavailable " + r.unavailableMillis() + " ms");
    RowCheck rows = run.step(p + "acknowledged rows on " + to, () -> stubs.sql().checkDrillRows(new RowCheckInput(cluster,
        to, table, sentinels.stream().map(SentinelRow::seq).toList(), pr.acknowledged())),
        r -> r.present() + " of " + r.expected() + " present" + (r.missing().isEmpty() ? "" : "; missing " + r.missing()));
    Map<String, Long> after = d.baselineTables().isEmpty() ? Map.of() : run.step(p + "row counts on " + to,
        () -> stubs.sql().countBaselineRows(new BaselineInput(cluster, to, d.database(), d.baselineTables())),
        Object::toString);
    String rejoin = onPatroni ? "Patroni" : rejoin(p, from, to);
    boolean streaming;
    try {
      long timeout = stubs.replication().rebuildSettings(new TopologyInput(cluster, from)).catchUpTimeoutSeconds();
      CatchUp c = run.step(p + from + " streams from " + to, () -> stubs.replication().awaitCatchUp(new CatchUpInput(cluster,
          to, from, d.maxLagSeconds(), timeout)), x -> x.state() + ", replay lag " + x.replayLagSeconds() + " s");
      streaming = "streaming".equals(c.state());
    } catch (RuntimeException e) {
      issues.add(name + ": " + from + " did not stream from " + to + ": " + Failures.describe(e));
      streaming = false;
    }
    long replication = Workflow.currentTimeMillis() - pausedAt;
    return new DrillPhase(name, from, to, out.timeline(), out.timeToPromoteMillis(), pr.unavailableMillis(),
        pr.attempts(), pr.errorCount(), pr.errors(), rows.expected(), rows.missing(), before, after, rejoin, streaming,
        replication);
  }

  /** pg_rewind first; a child ReplicaRebuild when it fails. */
  private String rejoin(String p, String old, String primary) {
    NodeSpec o = node(old);
    NodeSpec n = node(primary);
    run.step(p + "slot for " + old + " on " + primary, () -> stubs.replication().recreateSlot(
        new SlotInput(spec.name(), primary, o.slot())), s -> s);
    try {
      run.step(p + "pg_rewind " + old + " to follow " + primary, () -> stubs.agent(old).rewindAsStandby(
          new StandbyInput(spec.name(), old, primary, n.host(), n.port(), o.slot())), CommandOutcome::summary);
      run.change(old + " rejoined as a replica of " + primary + " with pg_rewind");
      return "pg_rewind";
    } catch (RuntimeException e) {
      issues.add(p + "pg_rewind of " + old + " failed (" + Failures.describe(e) + "); fell back to ReplicaRebuild");
      String outcome = new Switchover(run, stubs, spec, settings, p).requestedBy(requestedBy).rebuild(old, "FailoverDrill: pg_rewind failed");
      return "ReplicaRebuild: " + outcome;
    }
  }

  private void stopProbe(DrillTableInput table, CancellationScope scope) {
    // Detached: a cancelled drill still ends its probe with the stop row rather than leaving it writing.
    Workflow.newDetachedCancellationScope(() -> {
      try {
        stubs.sql().stopDrillProbe(table);
      } catch (RuntimeException e) {
        run.log("probe stop row not written (" + Failures.describe(e) + "); cancelling the probe");
      }
    }).run();
    scope.cancel();
  }

  private NodeSpec node(String name) {
    return spec.nodes().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
