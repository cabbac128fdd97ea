package io.pgrunbooks.worker;

import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.failoverdrill.DrillPhase;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillInput;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillResult;
import io.pgrunbooks.workflows.failoverdrill.FailoverDrillWorkflow;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code args[0]} (default 5) FailoverDrills with switch back on a local stack of its own (worker and agents as
 * processes, real PgBouncer) and prints each phase's write unavailability and time to promote, then the medians.
 * Not a test: see bench/failover-drill/README.md.
 */
public final class FailoverDrillBenchmark {
  private FailoverDrillBenchmark() {}

  public static void main(String[] args) throws Exception {
    int drills = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<Long> unavailable = new ArrayList<>();
    List<Long> promote = new ArrayList<>();
    List<Long> replication = new ArrayList<>();
    int lost = 0;
    int errors = 0;
    try (FailoverFixture f = new FailoverFixture()) {
      f.pg1().psql("postgres", "CREATE TABLE IF NOT EXISTS e2e_baseline AS SELECT g FROM generate_series(1, 1000) g");
      for (int i = 1; i <= drills; i++) {
        f.stack.postgres().awaitStreaming("pg2", java.time.Duration.ofSeconds(60));
        FailoverDrillWorkflow run = f.stub(FailoverDrillWorkflow.class, WorkflowIds.failoverDrill("main"));
        CompletableFuture<FailoverDrillResult> result = WorkflowClient.execute(run::run, FailoverDrillInput.of("main"));
        FailoverFixture.awaitPending(run);
        FailoverFixture.approve(run, "alice");
        FailoverDrillResult r = result.get(10, TimeUnit.MINUTES);
        System.out.println("BENCH drill " + i + " " + r.outcome() + " total " + r.totalMillis() + " ms");
        for (DrillPhase p : r.phases()) {
          System.out.println("BENCH   " + p.name() + " " + p.from() + "->" + p.to() + ": writes unavailable "
              + p.writeUnavailableMillis() + " ms, time to promote " + p.timeToPromoteMillis() + " ms, probe writes "
              + p.probeAttempts() + " (" + p.probeErrors() + " errors), missing " + p.missing().size()
              + ", replication back after " + p.replicationMillis() + " ms");
          unavailable.add(p.writeUnavailableMillis());
          promote.add(p.timeToPromoteMillis());
          replication.add(p.replicationMillis());
          lost += p.missing().size();
          errors += p.probeErrors();
        }
      }
    }
    System.out.println("BENCH median over " + unavailable.size() + " switchovers (" + drills + " drills): writes "
        + "unavailable " + median(unavailable) + " ms (max " + unavailable.stream().mapToLong(x -> x).max().orElse(0)
        + "), time to promote " + median(promote) + " ms, replication back " + median(replication) + " ms; lost "
        + "acknowledged writes " + lost + ", probe errors " + errors);
    System.exit(0);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
