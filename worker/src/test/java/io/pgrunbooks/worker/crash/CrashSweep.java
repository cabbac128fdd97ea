package io.pgrunbooks.worker.crash;

import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.worker.CrashingWorkerMain;
import io.pgrunbooks.worker.WorkerFixture;
import io.pgrunbooks.worker.crash.KillPoint.Phase;
import io.pgrunbooks.worker.crash.RunWatch.Scheduled;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.Progress;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Drives one runbook through the crash-point sweep on the real stack: a clean run first, whose history gives the
 * activities in order; then one replay per kill point (before / during / completing / after each activity). The
 * process running that activity in the replay (the central worker, or the node agent for host-local activities) is
 * SIGKILLed, or halts right after the activity's method returned and before it reported ("completing", see
 * {@link CrashingWorkerMain}); a new one is started, approvals are given through the public contract whenever the
 * run waits, and the end state is checked.
 *
 * <p>A killed process cannot report its attempt, and Temporal only notices through the attempt's timeouts (a 20 s
 * heartbeat timeout for the streams, a start-to-close of minutes for SQL steps). Right after the kill and the restart
 * the sweep fails the attempts the dead process held, by id, as that timeout would, instead of waiting it out: the
 * retry that follows is the same. {@code -Dsweep.realTimeouts=true} waits the real timeouts out (slow: up to 10 min
 * per point).
 */
final class CrashSweep {
  /** {@code -Dsweep=full}: every kill point of every runbook, including the known failing ones. */
  static final boolean FULL = "full".equals(System.getProperty("sweep"));
  static final boolean REAL_TIMEOUTS = Boolean.getBoolean("sweep.realTimeouts");
  /** {@code -Dsweep.from=N}: the full sweep starts at activity N (1-based), to resume a sweep cut short. */
  static final int FROM = Integer.getInteger("sweep.from", 1);
  private static final String CLEAN = "clean run (no kill)";

  /** A runbook under sweep: how to put the system in its starting state, start a run, and judge the end state. */
  interface Scenario {
    String runbook();

    /** Brings the system to the state every replay starts from (the checks of the previous replay have run). */
    void prepare() throws Exception;

    /** Starts a run (without waiting); {@code suffix} makes its workflow id unique. */
    WorkflowStub start(String suffix);

    Class<?> resultType();

    /** What is wrong with the end state; empty when it is what a run without a crash leaves. */
    List<String> check(Object result, Throwable failure) throws Exception;
  }

  private final WorkerFixture fixture;
  private final Duration runTimeout;
  private final Path trigger;
  private int runs;

  /** Replaces the fixture's worker and agents by {@link CrashingWorkerMain} processes (same wiring, can halt). */
  CrashSweep(WorkerFixture fixture, Duration runTimeout) {
    this.fixture = fixture;
    this.runTimeout = runTimeout;
    this.trigger = CrashingWorkerMain.trigger(fixture.config);
    fixture.mainClass = CrashingWorkerMain.class.getName();
    List<String> live = fixture.processes.stream().filter(ChildProcess::isAlive).map(ChildProcess::name).toList();
    fixture.processes.stream().filter(ChildProcess::isAlive).forEach(ChildProcess::stop);
    for (String name : live) {
      if (name.equals("worker")) {
        fixture.startWorker();
      } else {
        fixture.startAgent(name.substring("agent-".length()));
      }
    }
  }

  /**
   * The clean run, then a replay at every kill point {@code select} keeps ({@code known} are labels of points known to
   * fail: replayed only in the full sweep). Returns the rows it added.
   */
  List<SweepTable.Row> sweep(Scenario s, Predicate<KillPoint> select, Set<String> known) throws Exception {
    List<Scheduled> activities = new ArrayList<>();
    SweepTable.Row clean = replay(s, null, activities);
    List<SweepTable.Row> rows = new ArrayList<>(List.of(clean));
    if (clean.failed()) {
      return rows;
    }
    for (KillPoint k : points(activities)) {
      if (!select.test(k) && !FULL || FULL && k.ordinal() + 1 < FROM) {
        continue;
      }
      if (known.contains(k.label()) && !FULL) {
        SweepTable.add(new SweepTable.Row(s.runbook(), k.label(), "known failing", 0, "skipped outside -Dsweep=full"));
        continue;
      }
      SweepTable.Row row = null;
      // A fast activity may finish between two polls: that replay saw no "during" and is repeated (twice at most).
      for (int attempt = 0; attempt < 3 && (row == null || row.outcome().startsWith("missed")); attempt++) {
        row = replay(s, k, null);
      }
      rows.add(row);
    }
    return rows;
  }

  /** A fixed sample of kill points, {@code "PHASE ActivityType"} each, at the first activity of that type. */
  static Predicate<KillPoint> sample(String... points) {
    Set<String> wanted = Set.of(points);
    Set<String> taken = new HashSet<>();
    return k -> {
      String key = k.phase() + " " + k.activityType();
      return wanted.contains(key) && taken.add(key);
    };
  }

  static List<KillPoint> points(List<Scheduled> activities) {
    List<KillPoint> out = new ArrayList<>();
    for (int i = 0; i < activities.size(); i++) {
      for (Phase p : Phase.values()) {
        out.add(new KillPoint(i, activities.get(i).type(), activities.get(i).taskQueue(), p));
      }
    }
    return out;
  }

  /** One run, crashed at {@code k} (null: not crashed, and its activities go to {@code record}). */
  private SweepTable.Row replay(Scenario s, KillPoint k, List<Scheduled> record) throws Exception {
    s.prepare();
    long t0 = System.nanoTime();
    String suffix = "sweep-" + (++runs);
    Files.deleteIfExists(trigger);
    if (k != null && k.phase() == Phase.COMPLETING) {
      Files.writeString(trigger, suffix + "|" + k.ordinal());
    }
    WorkflowStub stub = s.start(suffix);
    RunWatch watch = new RunWatch(fixture.service, fixture.stack.temporal().namespace(), stub.getExecution());
    Set<String> votes = new HashSet<>();
    String killed = null;
    String miss = null;
    ChildProcess armed = null;
    long lastVote = 0;
    long deadline = System.nanoTime() + runTimeout.toNanos();
    while (true) {
      DescribeWorkflowExecutionResponse d = watch.describe();
      if (!RunWatch.running(d)) {
        break;
      }
      if (k != null && killed == null && miss == null) {
        List<HistoryEvent> h = watch.history();
        List<Scheduled> sch = RunWatch.scheduled(h);
        if (sch.size() > k.ordinal()) {
          Scheduled target = sch.get(k.ordinal());
          // The victim is whoever runs it in this replay: a Failover replay may go the other way than the clean run.
          KillPoint here = new KillPoint(k.ordinal(), k.activityType(), target.taskQueue(), k.phase());
          if (!target.type().equals(k.activityType())) {
            Files.deleteIfExists(trigger);
            miss = "diverged: activity " + (k.ordinal() + 1) + " is " + target.type();
          } else if (k.phase() == Phase.COMPLETING) {
            if (armed == null) {
              armed = latest(here);
            }
            if (!armed.isAlive()) {
              Files.deleteIfExists(trigger);
              killed = "halted " + here.victim() + " pid " + armed.pid() + " after the activity returned; "
                  + restart(here, watch);
            } else if (RunWatch.closed(h, target.eventId())) {
              Files.deleteIfExists(trigger);
              miss = "not reached: the activity ended without an attempt that returned";
            }
          } else if (k.phase() == Phase.BEFORE
              || k.phase() == Phase.DURING && RunWatch.started(d, target.activityId())
              || k.phase() == Phase.AFTER && RunWatch.completed(h, target.eventId())) {
            killed = kill(here, watch);
          } else if (RunWatch.closed(h, target.eventId())) {
            miss = k.phase() == Phase.DURING ? "missed: the attempt finished between two polls"
                : "not reached: the activity ended without completing";
          }
        }
      }
      if (System.nanoTime() - lastVote > TimeUnit.MILLISECONDS.toNanos(300)) {
        approvePending(stub, votes);
        lastVote = System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        stub.terminate("crash sweep: no end within " + runTimeout);
        return row(s, k, t0, "FAIL", "no end within " + runTimeout + (killed != null ? "; " + killed
            : armed != null ? "; still waiting for " + armed.name() + " to halt" : ""));
      }
      boolean hunting = k != null && killed == null && miss == null;
      Thread.sleep(hunting ? 2 : 50);
    }
    Files.deleteIfExists(trigger);
    Object result = null;
    Throwable failure = null;
    try {
      result = stub.getResult(30, TimeUnit.SECONDS, s.resultType());
    } catch (Exception e) {
      failure = e;
    }
    if (record != null) {
      record.addAll(RunWatch.scheduled(watch.history()));
    }
    List<String> problems = s.check(result, failure);
    String how = killed != null ? killed : miss != null ? miss : "";
    if (record != null) {
      how = "activities: " + String.join(", ", points(record).stream().filter(p -> p.phase() == Phase.BEFORE)
          .map(p -> p.activityType() + (p.agentNode() == null ? "" : "@" + p.agentNode())).toList());
    }
    if (!problems.isEmpty()) {
      return row(s, k, t0, "FAIL", String.join("; ", problems) + (how.isEmpty() ? "" : " [" + how + "]"));
    }
    if (k != null && killed == null) {
      return row(s, k, t0, miss != null && miss.startsWith("missed") ? "missed" : "not reached", how);
    }
    return row(s, k, t0, "ok", how);
  }

  private static SweepTable.Row row(Scenario s, KillPoint k, long t0, String outcome, String detail) {
    SweepTable.Row r = new SweepTable.Row(s.runbook(), k == null ? CLEAN : k.label(), outcome,
        (System.nanoTime() - t0) / 1e9, detail);
    SweepTable.add(r);
    return r;
  }

  /** The newest process of {@code k}'s victim, alive or (having just halted) not. */
  private ChildProcess latest(KillPoint k) {
    return fixture.processes.stream().filter(p -> p.name().equals(k.victim())).reduce((a, b) -> b).orElseThrow();
  }

  private ChildProcess live(KillPoint k) {
    return fixture.processes.stream().filter(p -> p.name().equals(k.victim()) && p.isAlive())
        .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException("no live " + k.victim()));
  }

  /** SIGKILL of the JVM running {@code k}'s activity (its children live on, as on a host), then a new one. */
  private String kill(KillPoint k, RunWatch watch) throws Exception {
    ChildProcess victim = live(k);
    ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
    victim.waitFor(Duration.ofSeconds(20));
    return "killed " + k.victim() + " pid " + victim.pid() + ", " + restart(k, watch);
  }

  /** A new process in place of {@code k}'s dead victim; the attempts the dead one held are failed (see class doc). */
  private String restart(KillPoint k, RunWatch watch) {
    long t = System.nanoTime();
    if (k.agentNode() == null) {
      fixture.startWorker();
    } else {
      fixture.startAgent(k.agentNode());
    }
    int failedFast = REAL_TIMEOUTS ? 0 : failDeadAttempts(k, watch);
    return "new one polling after "
        + String.format("%.1f s", (System.nanoTime() - t) / 1e9)
        + (failedFast > 0 ? ", " + failedFast + " dead attempt(s) failed by id" : "");
  }

  private int failDeadAttempts(KillPoint k, RunWatch watch) {
    DescribeWorkflowExecutionResponse d = watch.describe();
    List<Scheduled> sch = RunWatch.scheduled(watch.history());
    int n = 0;
    for (PendingActivityInfo p : RunWatch.startedAttempts(d)) {
      Optional<Scheduled> s = sch.stream().filter(x -> x.activityId().equals(p.getActivityId())).findFirst();
      boolean sameQueue = s.isPresent() && s.get().taskQueue().equals(k.taskQueue());
      // Only attempts the dead process held: started before the kill, on its queue, by no live worker since.
      if (sameQueue && !p.getLastWorkerIdentity().startsWith(liveIdentityPrefix(k))) {
        try {
          fixture.client.newActivityCompletionClient().completeExceptionally(watch.execution().getWorkflowId(),
              Optional.of(watch.execution().getRunId()), p.getActivityId(), ApplicationFailure.newFailure(
                  "crash sweep: the " + k.victim() + " running this attempt was SIGKILLed", "CrashSweepKilled"));
          n++;
        } catch (RuntimeException alreadyOver) {
          // the attempt ended meanwhile
        }
      }
    }
    return n;
  }

  /** Identity prefix ({@code pid@}) of the live replacement of {@code k}'s victim. */
  private String liveIdentityPrefix(KillPoint k) {
    return fixture.processes.stream().filter(p -> p.name().equals(k.victim()) && p.isAlive()).reduce((a, b) -> b)
        .map(p -> p.pid() + "@").orElse("\u0000");
  }

  /** Waits for a run that is not crashed (a repair between replays), approving what it asks. */
  <T> T runApproving(WorkflowStub stub, Class<T> type) throws Exception {
    RunWatch watch = new RunWatch(fixture.service, fixture.stack.temporal().namespace(), stub.getExecution());
    Set<String> votes = new HashSet<>();
    long deadline = System.nanoTime() + runTimeout.toNanos();
    while (RunWatch.running(watch.describe())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(stub.getExecution().getWorkflowId() + " did not end within " + runTimeout);
      }
      approvePending(stub, votes);
      Thread.sleep(200);
    }
    return stub.getResult(30, TimeUnit.SECONDS, type);
  }

  /** Approves every pending request through the {@code approve} signal, as alice (and bob where two are needed). */
  private static void approvePending(WorkflowStub stub, Set<String> votes) {
    Progress p;
    try {
      p = stub.query("progress", Progress.class);
    } catch (RuntimeException workerNotReady) {
      return;
    }
    for (PendingApproval a : p.pendingApprovals()) {
      for (String who : a.approvalsNeeded() > 1 ? List.of("alice", "bob") : List.of("alice")) {
        if (!a.approvedBy().contains(who) && votes.add(a.requestId() + "/" + who)) {
          try {
            stub.signal("approve", new ApprovalSignal(a.requestId(), who, "crash sweep", null));
          } catch (RuntimeException ended) {
            votes.remove(a.requestId() + "/" + who);
          }
        }
      }
    }
  }
}
