package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.FailoverActivities.FailoverSettings;
import io.pgrunbooks.workflows.activities.FailoverActivities.PromoteCheckInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.PromotedPrimary;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFactsInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverAnswer;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverInput;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverWatch;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverWatchInput;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PgBouncerActivities.BouncerInput;
import io.pgrunbooks.workflows.activities.PgBouncerActivities.RepointInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.failover.PatroniSwitchoverChecks.Judgement;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A planned switchover on a cluster with {@code topology: patroni}, shared by {@code Failover} and
 * {@code FailoverDrill}: PgBouncer PAUSE, {@code POST /switchover} naming leader and candidate while one activity
 * polls the candidate alone until it leads out of recovery, a real write on the next timeline, repoint, RESUME, then
 * {@code GET /cluster} showing the candidate leading on the next timeline and the old leader back as a running replica
 * (runs from before {@link #CANDIDATE_POLL}: Patroni's answer, then {@code GET /cluster} polls while paused). Patroni
 * stops and starts PostgreSQL itself: no node agent is asked. A failure while PgBouncer is paused is judged again
 * from {@code GET /cluster}: PgBouncer is pointed at whoever Patroni's single writable leader is and resumed.
 */
public final class PatroniSwitchover {
  private static final Duration POLL = Duration.ofMillis(500);
  /** Failure type when GET /cluster never showed the awaited state. */
  static final String TIMED_OUT = "PatroniSwitchoverTimedOut";
  /**
   * getVersion id: PgBouncer stays paused only until the candidate leads (polled alone, in the activity that POSTs,
   * without waiting for Patroni's answer); before, until Patroni answered and {@code GET /cluster} showed it.
   */
  static final String CANDIDATE_POLL = "patroni-switchover-candidate-poll";

  private final RunRecorder run;
  private final FailoverStubs stubs;
  private final ClusterSpec spec;
  private final FailoverSettings settings;
  private final PgBouncerActivities bouncer;
  private final String label;
  private boolean paused;
  private String bouncerTarget;
  private String stage = "nothing changed yet";
  private Boolean candidatePoll;

  /** @param label step name prefix, e.g. "switch back: " for the drill's second switchover */
  public PatroniSwitchover(RunRecorder run, FailoverStubs stubs, ClusterSpec spec, FailoverSettings settings,
                           String label) {
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

  /** Reads Patroni and refuses (SafetyRefused, nothing changed) unless it may switch over now. */
  public PatroniFacts check(String leader, String candidate) {
    PatroniFacts f = facts(label + "read Patroni");
    PatroniSwitchoverChecks.requireSwitchable(f, leader, candidate);
    return f;
  }

  /** What the run will do, for the plan. */
  public List<String> plan(String leader, String candidate) {
    String b = settings.bouncerNode();
    List<String> plan = new java.util.ArrayList<>();
    if (b != null) {
      plan.add("[" + b + "] PgBouncer PAUSE");
    }
    plan.add("POST /switchover {\"leader\": \"" + leader + "\", \"candidate\": \"" + candidate + "\"} to Patroni of "
        + leader + " (Patroni stops " + leader + " cleanly and promotes " + candidate + ")");
    plan.add((candidatePoll() ? "poll " + candidate + "'s GET /primary and pg_is_in_recovery() every 0.1 s until it"
        + " leads" : "poll GET /cluster until " + candidate + " leads on the next timeline") + ", then a test write on "
        + candidate + " (" + settings.promoteTimeoutSeconds() + " s)");
    if (b != null) {
      plan.add("[" + b + "] rewrite [databases] to " + candidate + ", RELOAD, RESUME");
    }
    plan.add("poll GET /cluster until " + candidate + " leads on the next timeline and " + leader
        + " runs again as a replica (Patroni rejoins it)");
    return plan;
  }

  /**
   * Switches over from {@code leader} to {@code candidate}. {@code beforeSwitch} runs right before the POST and may
   * throw to stop it.
   */
  public Switchover.Outcome execute(String leader, String candidate, Switchover.BeforePromote beforeSwitch) {
    PatroniFacts before = check(leader, candidate);
    bouncerTarget = leader;
    try {
      return steps(before, leader, candidate, beforeSwitch);
    } catch (RuntimeException e) {
      if (paused) {
        // Detached: a cancelled run must not leave PgBouncer paused (invariant 9).
        String[] now = new String[1];
        Workflow.newDetachedCancellationScope(() -> now[0] = compensate(e)).run();
        stage = stage + "; compensation: " + now[0];
      }
      throw e;
    }
  }

  private Switchover.Outcome steps(PatroniFacts before, String leader, String candidate,
                                   Switchover.BeforePromote beforeSwitch) {
    String cluster = spec.name();
    long oldTimeline = PatroniSwitchoverChecks.onNode(before, leader).timeline();
    if (bouncer != null) {
      paused = true; // compensation first: a PAUSE whose answer is lost still needs its RESUME
      run.step(label + "pause pgbouncer", () -> bouncer.pauseBouncer(new BouncerInput(cluster)), s -> s);
      stage = "PgBouncer paused";
    }
    long pausedAt = Workflow.currentTimeMillis();
    beforeSwitch.check();
    long postAt = Workflow.currentTimeMillis();
    stage = stage + "; switchover asked of Patroni";
    Judgement promoted = candidatePoll() ? switchAndWatch(before, leader, candidate)
        : switchThenAwait(leader, candidate);
    PromotedPrimary written = run.step(label + "await writable " + candidate, () -> stubs.sql().awaitWritablePrimary(
        new PromoteCheckInput(cluster, candidate, settings.promoteTimeoutSeconds())),
        x -> x.node() + " writable on timeline " + x.timeline() + " after " + x.waitedMillis() + " ms");
    PatroniSwitchoverChecks.requireNextTimeline(candidate, written.timeline(), oldTimeline);
    long promoteMillis = Workflow.currentTimeMillis() - postAt;
    run.change("Patroni switched over: " + promoted.detail());
    stage = stage + "; " + candidate + " is Patroni's leader and writable";
    long unavailable = 0;
    if (bouncer != null) {
      repoint(candidate);
      run.step(label + "resume pgbouncer", () -> bouncer.resumeBouncer(new BouncerInput(cluster)), s -> s);
      paused = false;
      unavailable = Workflow.currentTimeMillis() - pausedAt;
      stage = stage + "; PgBouncer resumed on " + candidate;
    }
    Judgement rejoined = await(label + "await " + leader + " as a running replica",
        f -> PatroniSwitchoverChecks.completed(f, leader, candidate, oldTimeline), "Patroni did not show " + candidate
            + " leading on timeline " + (oldTimeline + 1) + " with " + leader + " running as a replica");
    stage = stage + "; " + leader + " rejoined as a replica";
    return new Switchover.Outcome(candidate, written.timeline(), -1, true, "Patroni stopped " + leader + " cleanly",
        promoteMillis, List.of(rejoined.detail() + " (rejoined by Patroni)",
            bouncer == null ? "no PgBouncer" : "writes through PgBouncer paused " + unavailable + " ms"));
  }

  /** Whether this run polls the candidate alone while PgBouncer is paused ({@link #CANDIDATE_POLL}). */
  private boolean candidatePoll() {
    if (candidatePoll == null) {
      candidatePoll = Workflow.getVersion(CANDIDATE_POLL, Workflow.DEFAULT_VERSION, 1) >= 1;
    }
    return candidatePoll;
  }

  /** POST /switchover and, in the same activity, the candidate polled until it leads out of recovery. */
  private Judgement switchAndWatch(PatroniFacts before, String leader, String candidate) {
    long timeout = settings.promoteTimeoutSeconds();
    SwitchoverWatch w = run.step(label + "POST /switchover " + leader + " → " + candidate + ", watch " + candidate,
        () -> stubs.patroni().switchoverAndWatch(new SwitchoverWatchInput(spec.name(), leader, candidate,
            PatroniSwitchoverChecks.onNode(before, leader).name(), PatroniSwitchoverChecks.onNode(before, candidate)
            .name(), timeout)), PatroniSwitchoverChecks::describe);
    requireAccepted(leader, candidate, w.status(), w.body());
    if (!w.candidateLeads()) {
      throw ApplicationFailure.newNonRetryableFailure("Patroni did not make " + candidate + " the leader ("
          + PatroniSwitchoverChecks.describeAnswer(w.status(), w.body()) + ") within " + timeout + " s (last seen: "
          + w.detail() + ")", TIMED_OUT);
    }
    return new Judgement(true, w.detail());
  }

  /** Before {@link #CANDIDATE_POLL}: POST /switchover, its answer awaited, then GET /cluster polled. */
  private Judgement switchThenAwait(String leader, String candidate) {
    SwitchoverAnswer answer = run.step(label + "POST /switchover " + leader + " → " + candidate, () -> stubs.patroni()
        .switchover(new SwitchoverInput(spec.name(), leader, candidate)), a -> "HTTP " + a.status() + ": " + a.body());
    requireAccepted(leader, candidate, answer.status(), answer.body());
    return await(label + "await " + candidate + " as Patroni's leader",
        f -> PatroniSwitchoverChecks.promoted(f, candidate), "Patroni did not make " + candidate
            + " the leader after its answer HTTP " + answer.status());
  }

  /** Throws when Patroni's answer ends the run; accepted or unknown answers are judged by what follows. */
  private void requireAccepted(String leader, String candidate, int status, String body) {
    switch (PatroniSwitchoverChecks.answer(status)) {
      case REFUSED -> throw ApplicationFailure.newNonRetryableFailure("Patroni refused the switchover from " + leader
          + " to " + candidate + " (HTTP " + status + ": " + body + ")", FailureTypes.SAFETY_REFUSED);
      case CREDENTIALS -> throw ApplicationFailure.newNonRetryableFailure("Patroni of " + leader + " refused the"
          + " credentials of clusters." + spec.name() + ".patroni.credentials (HTTP " + status + ")",
          FailureTypes.CONFIG);
      default -> { }
    }
  }

  /** Polls {@code GET /cluster} until {@code judge} is done; fails after the promote timeout. */
  private Judgement await(String step, Function<PatroniFacts, Judgement> judge, String failure) {
    long deadline = Workflow.currentTimeMillis() + settings.promoteTimeoutSeconds() * 1000L;
    return run.step(step, () -> {
      Judgement last = new Judgement(false, "no answer yet");
      while (true) {
        try {
          last = judge.apply(stubs.patroni().facts(new PatroniFactsInput(spec.name())));
        } catch (RuntimeException e) {
          last = new Judgement(false, "GET /cluster: " + Failures.describe(e));
        }
        if (last.done()) {
          return last;
        }
        if (Workflow.currentTimeMillis() >= deadline) {
          throw ApplicationFailure.newNonRetryableFailure(failure + " within " + settings.promoteTimeoutSeconds()
              + " s (last seen: " + last.detail() + ")", TIMED_OUT);
        }
        Workflow.sleep(POLL);
      }
    }, Judgement::detail);
  }

  private void repoint(String node) {
    NodeSpec from = node(bouncerTarget);
    NodeSpec to = node(node);
    run.step(label + "repoint pgbouncer to " + node, () -> bouncer.repointBouncer(
        new RepointInput(spec.name(), node, to.host(), to.port(), from.host(), from.port())), s -> s);
    bouncerTarget = node;
    run.change("PgBouncer points at " + node);
  }

  /**
   * Whoever Patroni's single writable leader is now gets PgBouncer, which is resumed in any case; PostgreSQL is never
   * touched. Returns what it found, in words. Never throws.
   */
  private String compensate(RuntimeException cause) {
    run.log(label + "failed while PgBouncer was paused (" + Failures.describe(cause) + "); judging from GET /cluster");
    String leader = null;
    try {
      Judgement j = await(label + "compensation: find Patroni's writable leader", f -> {
        String l = PatroniSwitchoverChecks.writableLeader(f);
        return new Judgement(l != null, l == null ? "no single writable leader (leader " + f.leader() + ")" : l);
      }, "no single writable leader");
      leader = j.detail();
      if (!leader.equals(bouncerTarget)) {
        repoint(leader);
      }
    } catch (RuntimeException e) {
      run.log("compensation could not establish a writable leader: " + Failures.describe(e));
    }
    try {
      bouncer.resumeBouncer(new BouncerInput(spec.name()));
      paused = false;
      run.change("compensation: PgBouncer resumed on " + bouncerTarget);
    } catch (RuntimeException e) {
      run.log("compensation could not resume PgBouncer: " + Failures.describe(e));
    }
    String now = (leader == null ? "NO single writable leader could be confirmed" : leader + " is Patroni's leader")
        + ", PgBouncer " + (paused ? "still paused" : "resumed on " + bouncerTarget);
    run.log("compensation: " + now);
    return now;
  }

  private PatroniFacts facts(String step) {
    return run.step(step, () -> stubs.patroni().facts(new PatroniFactsInput(spec.name())),
        f -> "leader " + f.leader() + (f.paused() ? ", paused" : "") + (f.scheduledSwitchover() == null ? ""
            : ", switchover scheduled") + "; " + f.findings().size() + " findings");
  }

  private NodeSpec node(String name) {
    return spec.nodes().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
