package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFacts;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverFactsInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.activities.FailoverActivities.NodeWal;
import io.pgrunbooks.workflows.activities.FailoverActivities.PromoteCheckInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.PromotedPrimary;
import io.pgrunbooks.workflows.activities.FailoverActivities.ReplayInput;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FailoverNodeInput;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FenceResult;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.StandbyInput;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.StopResult;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.NodeActivities.RebuildStep;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities.BouncerInput;
import io.pgrunbooks.workflows.activities.PgBouncerActivities.RepointInput;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.SlotInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps 3 to 5 of {@code Failover}, shared with {@code FailoverDrill}: PAUSE, stop cleanly and wait for the final
 * LSN (or fence), promote, confirm a write, repoint PgBouncer, RESUME, re-point the other replicas. A failure after
 * the PAUSE runs {@link #compensate}: exactly one writable primary behind a resumed PgBouncer.
 */
public final class Switchover {
  /**
   * getVersion id: runs from before it promoted over a fence whose agent answered that PostgreSQL still runs, and
   * did not fence a candidate that still reported in recovery after a failed promote.
   */
  static final String SAFETY_CHANGE = "failover-safety";

  /** Runs right before the promotion; throws to stop it (e.g. the possible loss grew and was not re-approved). */
  @FunctionalInterface
  public interface BeforePromote {
    void check();
  }

  /**
   * @param primaryNow the node that is primary at the end (the old one again after a compensation)
   * @param timeToPromoteMillis from the stop or fence of the old primary to the first write on the new one
   */
  public record Outcome(String primaryNow, int timeline, long finalLsn, boolean fenceConfirmed, String fenceSummary,
                        long timeToPromoteMillis, List<String> followers) {}

  /** getVersion id: child rebuilds carry the parent's requestedBy (before: none). */
  static final String CHILD_REQUESTER_CHANGE = "child-rebuild-inherits-requester";

  private final RunRecorder run;
  private final FailoverStubs stubs;
  private final ClusterSpec spec;
  private final FailoverSettings settings;
  private final PgBouncerActivities bouncer;
  private final String label;
  private String requestedBy;
  private boolean paused;
  private boolean promoteAttempted;
  private boolean repointed;
  private String stage = "nothing changed yet";

  /** @param label step name prefix, e.g. "switch back: " for the drill's second switchover */
  public Switchover(RunRecorder run, FailoverStubs stubs, ClusterSpec spec, FailoverSettings settings, String label) {
    this.run = run;
    this.stubs = stubs;
    this.spec = spec;
    this.settings = settings;
    this.bouncer = settings.bouncerNode() == null ? null : stubs.bouncer(settings.bouncerNode());
    this.label = label == null ? "" : label;
  }

  /** Where the run stood when it stopped, for the failure story. */
  public String stage() {
    return stage;
  }

  /** Zero-loss switchover when {@code oldReachable}, else fence and promote. */
  public Outcome execute(String oldPrimary, String candidate, boolean oldReachable, BeforePromote beforePromote) {
    try {
      return steps(oldPrimary, candidate, oldReachable, beforePromote);
    } catch (RuntimeException e) {
      if (paused || promoteAttempted) {
        // Detached: a cancelled run fails every activity of its own scope at once, and would leave PgBouncer paused
        // and the old primary stopped (invariant 9).
        String[] now = new String[1];
        Workflow.newDetachedCancellationScope(() -> now[0] = compensate(oldPrimary, candidate, e)).run();
        stage = stage + "; compensation: " + now[0];
      }
      throw e;
    }
  }

  private Outcome steps(String oldPrimary, String candidate, boolean oldReachable, BeforePromote beforePromote) {
    String cluster = spec.name();
    if (bouncer != null) {
      paused = true; // compensation first: a PAUSE whose answer is lost still needs its RESUME
      run.step(label + "pause pgbouncer", () -> bouncer.pauseBouncer(new BouncerInput(cluster)), s -> s);
      stage = "PgBouncer paused";
    }
    long stopAt = Workflow.currentTimeMillis();
    long finalLsn = -1;
    boolean fenceConfirmed = true;
    String fenceSummary = "stopped cleanly";
    if (oldReachable) {
      StopResult stop = run.step(label + "stop " + oldPrimary + " cleanly", () -> stubs.agent(oldPrimary)
          .stopForSwitchover(new FailoverNodeInput(cluster, oldPrimary)), StopResult::summary);
      run.change("stopped old primary " + oldPrimary + " (shutdown checkpoint " + stop.finalLsnText() + ")");
      stage = stage + "; " + oldPrimary + " stopped cleanly";
      finalLsn = stop.finalLsn();
      long lsn = finalLsn;
      run.step(label + "await replay of the final LSN on " + candidate, () -> stubs.sql().awaitReplayedLsn(
          new ReplayInput(cluster, candidate, lsn, settings.replayTimeoutSeconds())),
          r -> candidate + " replayed " + FailoverChecks.lsn(r.replayLsn()) + " >= " + FailoverChecks.lsn(lsn)
              + " after " + r.waitedMillis() + " ms");
    } else {
      FenceResult fence = fenceOldPrimary(oldPrimary, candidate);
      fenceConfirmed = fence.confirmed();
      fenceSummary = fence.summary();
      stage = stage + "; " + oldPrimary + (fenceConfirmed ? " fenced" : " NOT confirmed fenced");
    }
    beforePromote.check();
    promoteAttempted = true;
    run.step(label + "promote " + candidate, () -> stubs.agent(candidate)
        .promotePostgres(new FailoverNodeInput(cluster, candidate)), CommandOutcome::summary);
    PromotedPrimary promoted = run.step(label + "await writable " + candidate, () -> stubs.sql().awaitWritablePrimary(
        new PromoteCheckInput(cluster, candidate, settings.promoteTimeoutSeconds())),
        p -> p.node() + " writable on timeline " + p.timeline() + " after " + p.waitedMillis() + " ms");
    long promoteMillis = Workflow.currentTimeMillis() - stopAt;
    run.change("promoted " + candidate + " (timeline " + promoted.timeline() + ")");
    stage = stage + "; " + candidate + " promoted and writable";
    if (bouncer != null) {
      repoint(oldPrimary, candidate);
      run.step(label + "resume pgbouncer", () -> bouncer.resumeBouncer(new BouncerInput(cluster)), s -> s);
      paused = false;
      stage = stage + "; PgBouncer resumed on " + candidate;
    }
    List<String> followers = followers(oldPrimary, candidate);
    return new Outcome(candidate, promoted.timeline(), finalLsn, fenceConfirmed, fenceSummary, promoteMillis, followers);
  }

  /**
   * An agent that cannot be reached may be gone with its host: the promotion goes ahead (it was approved so) and the
   * report says the fence is unconfirmed. An agent that answers that PostgreSQL still runs stops the promotion.
   */
  private FenceResult fenceOldPrimary(String oldPrimary, String candidate) {
    FenceResult fence;
    try {
      fence = fence(oldPrimary);
    } catch (RuntimeException e) {
      return unconfirmed(oldPrimary, e);
    }
    if (!fence.confirmed() && safetyChange()) {
      stage = stage + "; " + oldPrimary + " still runs after the fence";
      // Promoting now would make two writable nodes (invariant 6).
      throw ApplicationFailure.newNonRetryableFailure(oldPrimary + " still runs after the fence (" + fence.summary()
          + "): not promoting " + candidate + ", that would make two writable nodes", FailureTypes.SAFETY_REFUSED);
    }
    return fence;
  }

  /** Throws when the agent of {@code node} cannot be reached. */
  private FenceResult fence(String node) {
    FenceResult fence = run.step(label + "fence " + node, () -> stubs.agent(node)
        .fencePostgres(new FailoverNodeInput(spec.name(), node)), FenceResult::summary);
    run.change((fence.confirmed() ? "fenced " : "tried to fence (unconfirmed) ") + node + ": " + fence.summary());
    return fence;
  }

  private FenceResult unconfirmed(String node, RuntimeException e) {
    String why = "could not be confirmed: " + Failures.describe(e);
    run.log("fence of " + node + " " + why);
    return new FenceResult(false, why, null);
  }

  /** The behaviour of {@link #SAFETY_CHANGE}; consulted only where it starts, so older paths keep their commands. */
  private static boolean safetyChange() {
    return Workflow.getVersion(SAFETY_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  private void repoint(String from, String node) {
    NodeSpec f = spec.nodes().stream().filter(s -> s.name().equals(from)).findFirst().orElseThrow();
    NodeSpec n = spec.nodes().stream().filter(s -> s.name().equals(node)).findFirst().orElseThrow();
    run.step(label + "repoint pgbouncer to " + node, () -> bouncer.repointBouncer(
        new RepointInput(spec.name(), node, n.host(), n.port(), f.host(), f.port())), s -> s);
    repointed = true;
    run.change("PgBouncer points at " + node);
  }

  /** Other replicas follow the new primary: slot there, primary_conninfo, restart; a child rebuild when they cannot. */
  private List<String> followers(String oldPrimary, String primary) {
    List<String> done = new ArrayList<>();
    FailoverFacts facts = stubs.sql().failoverFacts(new FailoverFactsInput(spec.name()));
    NodeSpec p = spec.nodes().stream().filter(s -> s.name().equals(primary)).findFirst().orElseThrow();
    for (NodeSpec n : spec.nodes()) {
      if (n.name().equals(oldPrimary) || n.name().equals(primary)) {
        continue;
      }
      NodeWal w = facts.node(n.name());
      try {
        if (w == null || !w.reachable()) {
          throw new IllegalStateException(n.name() + " does not answer");
        }
        run.step(label + "slot for " + n.name() + " on " + primary, () -> stubs.replication().recreateSlot(
            new SlotInput(spec.name(), primary, n.slot())), s -> s);
        run.step(label + n.name() + " follows " + primary, () -> stubs.agent(n.name()).followNewPrimary(
            new StandbyInput(spec.name(), n.name(), primary, p.host(), p.port(), n.slot())), CommandOutcome::summary);
        run.change(n.name() + " follows " + primary);
        done.add(n.name() + " follows " + primary);
      } catch (RuntimeException e) {
        run.log(n.name() + " cannot follow " + primary + " (" + Failures.describe(e) + "): rebuilding it");
        done.add(n.name() + " " + rebuild(n.name(), "cannot follow new primary " + primary));
      }
    }
    return done;
  }

  /**
   * The parent run's requester: a child rebuild inherits it, so whoever asked for the parent can never
   * approve the child's wipe either.
   */
  public Switchover requestedBy(String who) {
    this.requestedBy = who;
    return this;
  }

  /** A child {@code ReplicaRebuild} of {@code node}; it shares this run's topology lock and asks its own approval. */
  public String rebuild(String node, String why) {
    String requester = Workflow.getVersion(CHILD_REQUESTER_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1 ? requestedBy
        : null;
    ReplicaRebuildWorkflow child = Workflow.newChildWorkflowStub(ReplicaRebuildWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(WorkflowIds.replicaRebuild(spec.name(), node) + ":" + Workflow.getInfo().getWorkflowId())
            .build());
    try {
      return run.step(label + "rebuild " + node, () -> child.run(new ReplicaRebuildInput(spec.name(), node, false,
          requester, why)), r -> r.report().outcome() + ": " + r.report().summary()).report().outcome().name();
    } catch (RuntimeException e) {
      run.log("rebuild of " + node + " failed: " + Failures.describe(e));
      return "rebuild failed: " + Failures.describe(e);
    }
  }

  /**
   * Leaves exactly one writable primary behind PgBouncer and resumes it. The candidate counts only when it answers
   * as writable; otherwise it is fenced (it may have been promoted) and the old primary is started again.
   * Returns which node is primary now, in words. Never throws.
   */
  private String compensate(String oldPrimary, String candidate, RuntimeException cause) {
    String cluster = spec.name();
    run.log(label + "failed after the PAUSE (" + Failures.describe(cause) + "); compensating");
    String primaryNow;
    try {
      FailoverFacts f = stubs.sql().failoverFacts(new FailoverFactsInput(cluster));
      NodeWal c = f.node(candidate);
      if (c != null && c.reachable() && Boolean.FALSE.equals(c.inRecovery())) {
        primaryNow = candidate;
        run.log("compensation: " + candidate + " is writable; it stays the primary");
      } else {
        boolean stillReplica = c != null && c.reachable() && Boolean.TRUE.equals(c.inRecovery());
        // Not confirmed writable, so it may have been promoted, or a promotion in flight may still complete once the
        // old primary is back: either way it must not become a second primary.
        if (promoteAttempted && (!stillReplica || safetyChange())) {
          FenceResult fenced;
          try {
            fenced = fence(candidate);
          } catch (RuntimeException e) {
            fenced = unconfirmed(candidate, e);
          }
          run.log("compensation: " + candidate + " never answered as writable; fenced: " + fenced.summary());
        }
        NodeWal o = f.node(oldPrimary);
        if (o == null || !o.reachable()) {
          run.step(label + "restart " + oldPrimary, () -> stubs.nodeAgent(oldPrimary)
              .startPostgres(new RebuildStep(cluster, oldPrimary, Workflow.getInfo().getRunId())),
              CommandOutcome::summary);
        }
        stubs.sql().awaitWritablePrimary(new PromoteCheckInput(cluster, oldPrimary, settings.promoteTimeoutSeconds()));
        primaryNow = oldPrimary;
        run.change("compensation: " + oldPrimary + " is primary again");
      }
    } catch (RuntimeException e) {
      primaryNow = null;
      run.log("compensation could not establish a writable primary: " + Failures.describe(e));
    }
    if (bouncer != null) {
      try {
        if (primaryNow != null && (repointed || !primaryNow.equals(oldPrimary))) {
          repoint(repointed ? candidate : oldPrimary, primaryNow);
        }
        bouncer.resumeBouncer(new BouncerInput(cluster));
        paused = false;
        run.change("compensation: PgBouncer resumed" + (primaryNow == null ? "" : " on " + primaryNow));
      } catch (RuntimeException e) {
        run.log("compensation could not resume PgBouncer: " + Failures.describe(e));
      }
    }
    String now = primaryNow == null ? "NO writable primary could be confirmed; PgBouncer " + (paused ? "still paused" : "resumed")
        : primaryNow + " is primary now" + (bouncer == null ? "" : ", PgBouncer " + (paused ? "still paused" : "resumed"));
    run.log("compensation: " + now);
    return now;
  }
}
