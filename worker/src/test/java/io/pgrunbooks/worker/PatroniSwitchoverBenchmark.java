package io.pgrunbooks.worker;

import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.failover.FailoverInput;
import io.pgrunbooks.workflows.failover.FailoverResult;
import io.pgrunbooks.workflows.failover.FailoverWorkflow;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code args[0]} (default 3) rounds on the Patroni mode of the local stack; each round switches over pg1→pg2
 * and back twice: with the {@code Failover} runbook (a client writing through PgBouncer) and with
 * {@code patronictl switchover --force} (a client connecting to whichever node is primary). Prints each switchover's
 * write unavailability (the longest gap between two acknowledged writes) and time, then the medians and their ratio.
 * Not a test: see bench/patroni-switchover/README.md.
 */
public final class PatroniSwitchoverBenchmark {
  private PatroniSwitchoverBenchmark() {}

  /** One measured switchover. */
  private record Measured(long unavailableMillis, long millis, int errors, int lost, int acknowledged) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    List<Measured> runbook = new ArrayList<>();
    List<Measured> patronictl = new ArrayList<>();
    try (PatroniSwitchoverFixture f = new PatroniSwitchoverFixture()) {
      for (int i = 1; i <= rounds; i++) {
        for (String[] way : List.of(new String[] {"pg1", "pg2"}, new String[] {"pg2", "pg1"})) {
          runbook.add(print(i, "runbook", way, runbook(f, way[0], way[1])));
        }
        for (String[] way : List.of(new String[] {"pg1", "pg2"}, new String[] {"pg2", "pg1"})) {
          patronictl.add(print(i, "patronictl", way, patronictl(f, way[0], way[1])));
        }
      }
    }
    long ru = median(runbook.stream().map(Measured::unavailableMillis).toList());
    long pu = median(patronictl.stream().map(Measured::unavailableMillis).toList());
    long rt = median(runbook.stream().map(Measured::millis).toList());
    long pt = median(patronictl.stream().map(Measured::millis).toList());
    System.out.printf("BENCH median over %d switchovers each: runbook writes unavailable %d ms, time %d ms; "
        + "patronictl writes unavailable %d ms, time %d ms; ratio runbook/patronictl: unavailable %.2f, time %.2f; "
        + "lost acknowledged writes %d / %d%n", runbook.size(), ru, rt, pu, pt, pu == 0 ? 0.0 : (double) ru / pu,
        pt == 0 ? 0.0 : (double) rt / pt, runbook.stream().mapToInt(Measured::lost).sum(),
        patronictl.stream().mapToInt(Measured::lost).sum());
    System.exit(0);
  }

  /** Failover from {@code from} to {@code to}, approved at once; time = PgBouncer PAUSE to RESUME. */
  private static Measured runbook(PatroniSwitchoverFixture f, String from, String to) throws Exception {
    f.stack.postgres().awaitStreaming(to, Duration.ofSeconds(60));
    awaitSettled(f, from);
    try (BouncerWriter w = BouncerWriter.start(() -> f.stack.pgbouncer().connect("postgres"),
        "bench_runbook_" + System.nanoTime())) {
      Thread.sleep(1000);
      FailoverWorkflow run = f.stub(FailoverWorkflow.class, WorkflowIds.failover("main"));
      CompletableFuture<FailoverResult> result = WorkflowClient.execute(run::run, FailoverInput.of("main", to,
          "bench"));
      FailoverFixture.approveAsAliceAndBob(run);
      FailoverResult r = result.get(5, TimeUnit.MINUTES);
      Thread.sleep(500);
      w.stop();
      List<StepRecord> steps = r.report().steps();
      long millis = Duration.between(step(steps, "pause pgbouncer").start(), step(steps, "resume pgbouncer").end())
          .toMillis();
      System.out.println("BENCH   " + profile(steps));
      return new Measured(w.longestGapMillis(), millis, w.errors(), w.missingOn(f.node(to)).size(), w.acknowledged());
    }
  }

  /** {@code patronictl switchover --leader --candidate --force}; time = the command's wall time. */
  private static Measured patronictl(PatroniSwitchoverFixture f, String from, String to) throws Exception {
    f.stack.postgres().awaitStreaming(to, Duration.ofSeconds(60));
    try (BouncerWriter w = BouncerWriter.start(f::connectToPrimary, "bench_patronictl_" + System.nanoTime())) {
      Thread.sleep(1000);
      long start = System.nanoTime();
      Process p = new ProcessBuilder("patronictl", "-c", f.patroniYaml(from).toString(), "switchover", "--leader",
          from, "--candidate", to, "--force").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("patronictl switchover failed: " + out);
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      awaitPrimary(f, to);
      Thread.sleep(500);
      w.stop();
      return new Measured(w.longestGapMillis(), millis, w.errors(), w.missingOn(f.node(to)).size(), w.acknowledged());
    }
  }

  /**
   * Until Patroni's {@code /cluster} names {@code leader} and shows every member running or streaming: right after
   * patronictl's switch back PostgreSQL may stream while Patroni still reports the member starting, and the
   * runbook's check would refuse the switchover.
   */
  private static void awaitSettled(PatroniSwitchoverFixture f, String leader) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      com.fasterxml.jackson.databind.JsonNode c = f.patroni.get(leader, "/cluster");
      boolean settled = c.path("members").size() == 2;
      for (com.fasterxml.jackson.databind.JsonNode m : c.path("members")) {
        String state = m.path("state").asText();
        boolean isLeader = "leader".equals(m.path("role").asText()) || "primary".equals(m.path("role").asText())
            || "master".equals(m.path("role").asText());
        settled &= ("running".equals(state) || "streaming".equals(state)) && isLeader == leader.equals(m.path("name")
            .asText());
      }
      if (settled) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Patroni did not settle with leader " + leader + " within 60 s: " + c);
      }
      Thread.sleep(100);
    }
  }

  private static void awaitPrimary(PatroniSwitchoverFixture f, String node) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (FailoverFixture.inRecovery(f.node(node))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(node + " did not become primary within 60 s");
      }
      Thread.sleep(100);
    }
  }

  /** Each step from PAUSE to RESUME: its time and, in brackets, the gap before it (scheduling, timers). */
  private static String profile(List<StepRecord> steps) {
    StringBuilder b = new StringBuilder("PAUSE→RESUME steps:");
    StepRecord pause = step(steps, "pause pgbouncer");
    StepRecord resume = step(steps, "resume pgbouncer");
    java.time.Instant previousEnd = null;
    for (StepRecord s : steps.subList(steps.indexOf(pause), steps.indexOf(resume) + 1)) {
      b.append(' ').append(s.name()).append(' ').append(Duration.between(s.start(), s.end()).toMillis()).append(" ms");
      if (previousEnd != null) {
        b.append(" [+").append(Duration.between(previousEnd, s.start()).toMillis()).append("]");
      }
      b.append(';');
      previousEnd = s.end();
    }
    return b.toString();
  }

  private static StepRecord step(List<StepRecord> steps, String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no step " + name + " in " + steps));
  }

  private static Measured print(int round, String how, String[] way, Measured m) {
    System.out.printf("BENCH round %d %-10s %s->%s: writes unavailable %d ms, time %d ms, %d acknowledged, "
        + "%d errors, %d lost%n", round, how, way[0], way[1], m.unavailableMillis(), m.millis(), m.acknowledged(),
        m.errors(), m.lost());
    return m;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
  }
}
